import Config
import Pipeline
import Testing

/// `topics ensure|check` with `stories.enabled`: the stories topic is created with one partition,
/// compacted; without it the layout is as before.
@Suite struct StoryTopicLayoutTests {
    @Test func storiesTopicOnlyWhenEnabledWithOnePartition() {
        var config = FeedworkerConfig()
        #expect(!TopicLayout(config: config).topicNames.contains(config.topics.stories))
        config.stories.enabled = true
        let layout = TopicLayout(config: config)
        #expect(layout.topicNames.last == "articles.stories")
        let stories = layout.newTopics(partitions: 12, replication: 3).first { $0.name == "articles.stories" }
        #expect(stories?.partitions == 1 && stories?.config["cleanup.policy"] == "compact")
        #expect(layout.newTopics(partitions: 12, replication: 3).first { $0.name == config.topics.clean }?.partitions == 12)
        #expect("\(TopicProblem.storiesPartitions(topic: "s", partitions: 3))".contains("exactly 1"))
    }

    @Test func storiesConfigKeys() throws {
        let config = try FeedworkerConfig.parse("[stories]\nenabled = true\nmax_distance = 2\nwindow_days = 3\n")
        #expect(config.stories.enabled && config.stories.maxDistance == 2 && config.stories.windowDays == 3)
        #expect(throws: (any Error).self) { try FeedworkerConfig.parse("[stories]\nmax_distance = 4\n") }
        #expect(throws: (any Error).self) { try FeedworkerConfig.parse("[stories]\nwindow_days = 0\n") }
        let env = try FeedworkerConfig.parse("", environment: ["FEEDWORKER_STORIES_ENABLED": "true"])
        #expect(env.stories.enabled)
        #expect(FeedworkerConfig().namespaced("x").topics.stories == "x.stories")
        #expect(try FeedworkerConfig.parse(config.rendered()) == config)
    }
}
