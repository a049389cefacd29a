import Testing
@testable import Telemetry

// Tests for the Telemetry module live in this folder.
