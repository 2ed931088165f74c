import TestSupport

// The configuration and log sink tests here use TestSupport's TemporaryDirectory; one alias
// instead of an import in each of those files, which are moving to their own test targets.
typealias TemporaryDirectory = TestSupport.TemporaryDirectory
