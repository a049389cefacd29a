import Testing
@testable import Articles

// Tests for the Articles module live in this folder.
