import Testing
@testable import Kafka

// Tests for the Kafka module live in this folder.
