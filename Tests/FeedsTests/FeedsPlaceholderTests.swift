import Testing
@testable import Feeds

// Tests for the Feeds module live in this folder.
