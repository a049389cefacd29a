import Testing
@testable import Extraction

// Tests for the Extraction module live in this folder.
