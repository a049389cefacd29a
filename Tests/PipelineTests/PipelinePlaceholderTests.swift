import Testing
@testable import Pipeline

// Tests for the Pipeline module live in this folder.
