import TestSupport

/// Generated news-like articles for the story-identity measurements (issue 12): our own templates
/// and word lists, seeded, so every run sees the same texts.
///
/// Honest by construction: stories of one topic draw their nouns, verbs, organisations and roles
/// from the same topic pool, and every story draws its sentence shapes from one shared template
/// pool (a random subset per story, like writers' habits), so two stories on the same topic share
/// much of their vocabulary; what differs is the people, places, numbers and the subset of topic
/// words a story dwells on.
struct NewsCorpus {
    struct Topic {
        var name: String
        var nouns: [String]
        var verbs: [String]
        var adjectives: [String]
        var orgs: [String]
        var roles: [String]
    }

    /// One generated story: paragraphs of sentences, plus what its edits need.
    struct Story {
        var topic: String
        var byline: String
        var paragraphs: [[String]]
        /// Extra sentences of the same story (for "one sentence added").
        var spare: [String]

        var text: String { ([byline] + paragraphs.map { $0.joined(separator: " ") }).joined(separator: "\n\n") }
        var wordCount: Int { text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count }
    }

    /// The edits a syndicating site makes.
    enum Edit: String, CaseIterable {
        case byline, sentenceAdded = "sentence added", sentenceRemoved = "sentence removed", footer
        case all = "byline+sentence+footer"
    }

    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    // MARK: Stories

    /// A story on `topic` of about `words` words.
    mutating func story(topic: Topic, words: Int) -> Story {
        let people = (0..<4).map { _ in person() }
        let orgs = pickDistinct(topic.orgs, 2)
        let places = pickDistinct(Self.places, 2)
        let focus = pickDistinct(topic.nouns, 10)
        let verbs = pickDistinct(topic.verbs, 6)
        let templates = pickDistinct(Self.templates, 34)
        var context = Context(topic: topic, people: people, orgs: orgs, places: places, focus: focus, verbs: verbs)
        var paragraphs: [[String]] = []
        var count = 0
        while count < words {
            var paragraph: [String] = []
            for _ in 0..<(2 + int(3)) {
                let s = sentence(templates[int(templates.count)], &context)
                count += s.split(separator: " ").count
                paragraph.append(s)
            }
            paragraphs.append(paragraph)
        }
        let spare = (0..<3).map { _ in sentence(templates[int(templates.count)], &context) }
        return Story(topic: topic.name, byline: "By \(people[0].full)", paragraphs: paragraphs, spare: spare)
    }

    /// `story` as a syndicating site publishes it after `edit`.
    mutating func edited(_ story: Story, _ edit: Edit) -> String {
        var s = story
        switch edit {
        case .byline:
            s.byline = "By \(person().full) and \(person().full) | \(pick(Self.wires))"
        case .sentenceAdded:
            let p = int(s.paragraphs.count)
            s.paragraphs[p].insert(s.spare[0], at: int(s.paragraphs[p].count + 1))
        case .sentenceRemoved:
            let candidates = s.paragraphs.indices.filter { s.paragraphs[$0].count > 1 }
            let p = candidates[int(candidates.count)]
            s.paragraphs[p].remove(at: int(s.paragraphs[p].count))
        case .footer:
            return s.text + "\n\n" + footer()
        case .all:
            s.byline = "By \(person().full) | \(pick(Self.wires))"
            if int(2) == 0 {
                let p = int(s.paragraphs.count)
                s.paragraphs[p].insert(s.spare[1], at: int(s.paragraphs[p].count + 1))
            } else {
                let candidates = s.paragraphs.indices.filter { s.paragraphs[$0].count > 1 }
                let p = candidates[int(candidates.count)]
                s.paragraphs[p].remove(at: int(s.paragraphs[p].count))
            }
            return s.text + "\n\n" + footer()
        }
        return s.text
    }

    private mutating func footer() -> String {
        let paper = pick(Self.papers)
        return "This article originally appeared in \(paper) and is republished with permission. "
            + "Copyright 2026 \(paper). All rights reserved. Follow us for more local coverage and sign up for the morning newsletter."
    }

    // MARK: Sentences

    struct Person { var first: String; var last: String; var full: String { "\(first) \(last)" } }

    struct Context {
        var topic: Topic
        var people: [Person]
        var orgs: [String]
        var places: [String]
        var focus: [String]
        var verbs: [String]
        var introduced = Set<Int>()
    }

    private mutating func sentence(_ template: String, _ c: inout Context) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let close = rest[open...].firstIndex(of: "}")!
            let slot = rest[rest.index(after: open)..<close]
            out += fill(slot, &c)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out.prefix(1).uppercased() + out.dropFirst()
    }

    private mutating func fill(_ slot: Substring, _ c: inout Context) -> String {
        switch slot {
        case "P":
            let i = int(c.people.count)
            if c.introduced.contains(i) { return c.people[i].last }
            c.introduced.insert(i)
            return "\(c.people[i].full), \(pick(c.topic.roles))"
        case "R": return pick(c.topic.roles)
        case "O": return pick(c.orgs)
        // Mostly the story's focus nouns, sometimes any noun of the topic.
        case "N": return int(5) == 0 ? pick(c.topic.nouns) : pick(c.focus)
        case "V": return int(4) == 0 ? pick(c.topic.verbs) : pick(c.verbs)
        case "A": return pick(c.topic.adjectives)
        case "L": return int(4) == 0 ? pick(Self.places) : pick(c.places)
        case "G": return pick(Self.general)
        case "D": return pick(Self.days)
        case "NUM": return String(2 + int(480))
        case "PCT": return "\(1 + int(60)) percent"
        case "MONEY": return "$\(1 + int(90)).\(int(10)) million"
        default: return String(slot)
        }
    }

    // MARK: Randomness

    private mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    private mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    private mutating func pickDistinct<T>(_ a: [T], _ n: Int) -> [T] {
        var pool = a
        var out: [T] = []
        for _ in 0..<min(n, a.count) { out.append(pool.remove(at: int(pool.count))) }
        return out
    }
    private mutating func person() -> Person { Person(first: pick(Self.firstNames), last: pick(Self.lastNames)) }
}
