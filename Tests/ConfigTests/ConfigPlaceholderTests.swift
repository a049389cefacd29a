import Testing
@testable import Config

// Tests for the Config module live in this folder.
