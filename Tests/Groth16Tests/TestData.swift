import TestSupport

typealias TestData = SharedTestData
