import Foundation
import Testing

@testable import Market

@Suite("Malformed rounds are refused, naming the entry")
struct ValidationTests {
    static let good = """
        { "class": "groth16-bn254/2^16", "bondPerJob": 5.0, "minReputation": 0.5,
          "bids": [ { "id": "req-1", "jobs": 4, "value": 10.0, "deadlineSeconds": 120 },
                    { "id": "req-2", "jobs": 1, "value": 1.0, "deadlineSeconds": 60 } ],
          "asks": [ { "id": "prover-a", "slots": 8, "cost": 0.8, "secondsPerJob": 30,
                      "reputation": 0.97, "stakeHeadroom": 100.0 } ] }
        """

    static func decode(_ text: String) -> Result<Round, MarketError> {
        Result { () throws(MarketError) in try Round(json: Data(text.utf8)) }
    }

    @Test("The issue's example decodes")
    func exampleDecodes() throws {
        let round = try Self.decode(Self.good).get()
        #expect(round.jobClass == "groth16-bn254/2^16")
        #expect(round.bids.count == 2)
        #expect(
            round.asks[0]
                == Ask(id: "prover-a", slots: 8, cost: 0.8, secondsPerJob: 30, reputation: 0.97, stakeHeadroom: 100))
    }

    @Test(
        "Each kind of defect is named",
        arguments: [
            (
                #""value": 1.0"#, #""value": -1.0"#,
                MarketError.negative(entry: #"bids[1] "req-2""#, field: "value", value: -1)
            ),
            (#""value": 1.0,"#, "", .missingField(entry: #"bids[1] "req-2""#, field: "value")),
            (#""jobs": 1"#, #""jobs": 0"#, .notPositive(entry: #"bids[1] "req-2""#, field: "jobs", value: 0)),
            (#""id": "req-2""#, #""id": "req-1""#, .duplicateID(list: "bids", id: "req-1")),
            (#""cost": 0.8"#, #""cost": -0.1"#, .negative(entry: #"asks[0] "prover-a""#, field: "cost", value: -0.1)),
            (#""slots": 8"#, #""slots": -8"#, .negative(entry: #"asks[0] "prover-a""#, field: "slots", value: -8)),
            (
                #""stakeHeadroom": 100.0"#, #""stakeHeadroom": null"#,
                .missingField(entry: #"asks[0] "prover-a""#, field: "stakeHeadroom")
            ),
            (#""bondPerJob": 5.0,"#, "", .missingField(entry: "round", field: "bondPerJob")),
            (#""id": "req-2""#, #""id": """#, .emptyID(entry: "bids[1]")),
        ])
    func defectNamed(original: String, replacement: String, expected: MarketError) {
        #expect(Self.good.contains(original))
        let text = Self.good.replacingOccurrences(of: original, with: replacement)
        #expect(Self.decode(text) == .failure(expected))
    }

    @Test("Wrong types and broken JSON are refused with the place named")
    func wrongTypes() {
        let fraction = Self.good.replacingOccurrences(of: #""jobs": 1"#, with: #""jobs": 1.5"#)
        guard case .failure(.wrongType(let entry, let field, _)) = Self.decode(fraction) else {
            Issue.record("a fractional job count was accepted")
            return
        }
        #expect(entry == #"bids[1] "req-2""#)
        #expect(field == "jobs")
        guard case .failure(.invalidJSON) = Self.decode("{ not json") else {
            Issue.record("broken JSON was accepted")
            return
        }
    }

    @Test("Non-finite numbers are refused by the library API")
    func nonFinite() {
        var round = Round(jobClass: "c", bondPerJob: .infinity)
        #expect(throws: MarketError.notFinite(entry: "round", field: "bondPerJob", value: .infinity)) {
            try DoubleAuction.clear(round)
        }
        round.bondPerJob = 1
        round.asks = [Ask(id: "p", slots: 1, cost: .nan, secondsPerJob: 1, reputation: 1, stakeHeadroom: 1)]
        #expect(throws: MarketError.self) { try DoubleAuction.clear(round) }
    }

    @Test("Messages say what to fix")
    func messages() {
        #expect(
            MarketError.missingField(entry: #"bids[1] "req-2""#, field: "value").description
                == #"bids[1] "req-2": missing field "value""#)
        #expect(MarketError.duplicateID(list: "asks", id: "p").description == #"asks: id "p" appears more than once"#)
    }
}
