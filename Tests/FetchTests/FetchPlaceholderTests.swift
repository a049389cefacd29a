import Testing
@testable import Fetch

// Tests for the Fetch module live in this folder.
