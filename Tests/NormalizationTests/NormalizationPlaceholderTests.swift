import Testing
@testable import Normalization

// Tests for the Normalization module live in this folder.
