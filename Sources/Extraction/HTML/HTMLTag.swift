/// The HTML element names the extractor distinguishes. Anything else is `.other`.
///
/// A one-byte tag keeps the tree's per-node arrays small and makes tag tests integer compares.
public enum HTMLTag: UInt8, Sendable, CaseIterable {
    case other = 0, text, root, comment
    case html, head, body, title, meta, link, base, script, style, noscript, template, textarea, iframe, xmp, noembed, noframes, plaintext, svg, math
    case div, p, span, a, b, i, em, strong, u, s, small, big, sub, sup, font, code, kbd, samp, `var`, q, cite, abbr, time, mark, tt, strike, del, ins, bdi, bdo, label, nobr
    case br, wbr, hr, img, input, area, col, embed, param, source, track, keygen, picture, video, audio, canvas, object, map
    case h1, h2, h3, h4, h5, h6, hgroup
    case ul, ol, li, dl, dt, dd, menu, dir
    case table, caption, thead, tbody, tfoot, tr, td, th, colgroup
    case blockquote, pre, address, center, figure, figcaption, details, summary, dialog
    case article, section, main, nav, aside, header, footer
    case form, fieldset, legend, button, select, option, optgroup
    case frameset, frame
    case ruby, rt, rp

    /// Looks a lower-cased ASCII tag name up.
    static func lookup(_ name: UnsafeBufferPointer<UInt8>) -> HTMLTag {
        // Small perfect-enough dispatch: length then bytes. Names are already lower-cased.
        let n = name.count
        if n == 0 || n > 10 { return .other }
        var key: UInt64 = 0
        for b in name { key = (key << 8) | UInt64(b) }
        return nameTable[key] ?? .other
    }

    private static let nameTable: [UInt64: HTMLTag] = {
        var t: [UInt64: HTMLTag] = [:]
        for tag in HTMLTag.allCases where tag.rawValue > HTMLTag.comment.rawValue {
            var key: UInt64 = 0
            for b in tag.name.utf8 { key = (key << 8) | UInt64(b) }
            t[key] = tag
        }
        return t
    }()

    /// The element's name as written in HTML.
    public var name: String { HTMLTag.names[Int(rawValue)] }

    /// Names by raw value (cases are numbered from 0 in order), built once: `String(describing:)`
    /// goes through reflection on every call.
    private static let names: [String] = allCases.map { $0 == .var ? "var" : String(describing: $0) }

    /// UTF-8 bytes of the element's name, by raw value.
    static let nameBytes: [[UInt8]] = allCases.map { Array($0.name.utf8) }

    /// Elements that never have children or an end tag.
    var isVoid: Bool {
        switch self {
        case .br, .wbr, .hr, .img, .input, .area, .col, .embed, .param, .source, .track, .keygen, .meta, .link, .base, .frame:
            return true
        default: return false
        }
    }

    /// Elements whose content is raw text up to the matching end tag.
    var isRawText: Bool {
        switch self {
        case .script, .style, .textarea, .title, .xmp, .iframe, .noembed, .noframes, .noscript, .plaintext, .template:
            return true
        default: return false
        }
    }

    /// Start tags that close an open `<p>` (HTML5 "close a p element").
    var closesParagraph: Bool {
        switch self {
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl, .fieldset,
             .figcaption, .figure, .footer, .form, .h1, .h2, .h3, .h4, .h5, .h6, .header, .hgroup, .hr, .main,
             .menu, .nav, .ol, .p, .pre, .section, .table, .ul, .li, .dd, .dt, .summary:
            return true
        default: return false
        }
    }

    /// Parts of a table (the table itself, its sections, rows and cells).
    var isTablePart: Bool {
        switch self {
        case .table, .thead, .tbody, .tfoot, .tr, .td, .th, .caption, .colgroup: return true
        default: return false
        }
    }

    var isHeading: Bool { rawValue >= HTMLTag.h1.rawValue && rawValue <= HTMLTag.h6.rawValue }

    /// Block-level elements: text on either side of them is a separate paragraph.
    var isBlock: Bool {
        switch self {
        case .p, .div, .h1, .h2, .h3, .h4, .h5, .h6, .hgroup, .ul, .ol, .li, .dl, .dt, .dd, .menu, .dir, .table, .caption,
             .thead, .tbody, .tfoot, .tr, .td, .th, .blockquote, .pre, .address, .center, .figure, .figcaption, .details,
             .summary, .dialog, .article, .section, .main, .nav, .aside, .header, .footer, .form, .fieldset, .legend,
             .hr, .br, .body, .html, .root, .select, .option, .textarea, .iframe, .video, .audio, .object, .embed, .picture:
            return true
        default: return false
        }
    }

    /// Phrasing content (HTML5), used to wrap loose inline runs of a `<div>` into paragraphs.
    var isPhrasing: Bool {
        switch self {
        case .text, .abbr, .audio, .b, .bdo, .br, .button, .cite, .code, .del, .embed, .em, .i, .iframe, .img,
             .input, .kbd, .label, .mark, .math, .object, .q, .samp, .script, .select, .small,
             .span, .strong, .sub, .sup, .textarea, .time, .var, .wbr, .u, .s, .big, .font, .tt, .strike, .ins, .bdi,
             .nobr, .canvas, .video, .picture, .a:
            return true
        default: return false
        }
    }
}
