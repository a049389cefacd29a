import Testing
@testable import Storage

// Tests for the Storage module live in this folder.
