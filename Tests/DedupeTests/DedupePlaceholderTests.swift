import Testing
@testable import Dedupe

// Tests for the Dedupe module live in this folder.
