import Foundation
import ProverNetClient
import Testing

@Suite struct RequestInputsTests {
    @Test func anObjectFileIsOneInputKeptAsWritten() throws {
        // A field element too large for a double must reach the gateway digit for digit.
        let json =
            "  {\"a\": 21888242871839275222246405745257275088548364400416034343698204186575808495616, \"b\": [\"1\", \"2\"]}\n"
        let input = try RequestInputs.object(json: Data(json.utf8), source: "a.json")
        #expect(input == json.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try RequestInputs.inputs(json: Data(json.utf8), source: "a.json") == [input])
    }

    @Test func anArrayFileIsOneInputPerElement() throws {
        let json = """
            [ {"x": "3", "y": "11"},
              {"x": 4, "y": "12", "note": "a string with ] and , and \\" inside"},
              {"m": [[1, 2], [3, {"n": "}"}]]} ]
            """
        let inputs = try RequestInputs.array(json: Data(json.utf8), source: "inputs.json")
        #expect(
            inputs == [
                #"{"x": "3", "y": "11"}"#,
                #"{"x": 4, "y": "12", "note": "a string with ] and , and \" inside"}"#,
                #"{"m": [[1, 2], [3, {"n": "}"}]]}"#,
            ])
        #expect(try RequestInputs.inputs(json: Data(json.utf8), source: "inputs.json") == inputs)
        for input in inputs {
            #expect(try JSONSerialization.jsonObject(with: Data(input.utf8)) is [String: Any])
        }
    }

    @Test func malformedJSONIsATypedError() {
        let malformed = [
            "{\"x\": \"3\",}", "[{\"x\": 1},]", "[{\"x\": 1}", "", "{x: 1}", "{\"x\": 01}", "{\"x\": \"\\q\"}",
            "{\"x\": 1} {}", "{\"x\": tru}", "{\"x\": -}", "{\"x\": 1.}", "{\"x\": \"\\u12\"}",
        ]
        for text in malformed {
            #expect {
                try RequestInputs.inputs(json: Data(text.utf8), source: "bad.json")
            } throws: { error in
                guard case ProverNetClientError.malformedInputJSON(let path, _) = error else { return false }
                return path == "bad.json"
            }
        }
    }

    @Test func malformedJSONSaysWhere() {
        #expect(
            throws: ProverNetClientError.malformedInputJSON(
                path: "in.json", reason: "line 2, column 13: expected a member name in double quotes")
        ) {
            try RequestInputs.object(json: Data("{\"x\": \"3\",\n \"y\": \"11\", }".utf8), source: "in.json")
        }
    }

    @Test func everyKindOfJSONValueIsAccepted() throws {
        let json =
            #"\#u{FEFF}[{"a": [true, false, null], "b": -0.5e-3, "c": 1E+9, "d": "\u00e9\n\/\"", "e": {}, "f": []}]"#
        #expect(
            try RequestInputs.array(json: Data(json.utf8), source: "all.json") == [String(json.dropFirst(2).dropLast())]
        )
    }

    @Test func valuesThatAreNotObjectsAreNamed() {
        #expect(throws: ProverNetClientError.inputNotAnObject(path: "i.json", index: 1, found: "number")) {
            try RequestInputs.array(json: Data("[{\"x\": 1}, 5]".utf8), source: "i.json")
        }
        #expect(throws: ProverNetClientError.inputNotAnObject(path: "i.json", index: nil, found: "array")) {
            try RequestInputs.object(json: Data("[{\"x\": 1}]".utf8), source: "i.json")
        }
        #expect(
            throws: ProverNetClientError.inputNotAnObject(
                path: "i.json", index: nil, found: "object, not an array of input objects")
        ) {
            try RequestInputs.array(json: Data("{\"x\": 1}".utf8), source: "i.json")
        }
        #expect(throws: ProverNetClientError.inputNotAnObject(path: "i.json", index: nil, found: "string")) {
            try RequestInputs.inputs(json: Data("\"x\"".utf8), source: "i.json")
        }
        #expect(throws: ProverNetClientError.noInputs) {
            try RequestInputs.array(json: Data("[]".utf8), source: "i.json")
        }
    }

    @Test func filesAreReadFromDisk() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("inputs.json")
            try Data("[{\"x\": \"1\", \"y\": \"2\"}, {\"x\": \"3\", \"y\": \"4\"}]".utf8).write(to: url)
            #expect(try RequestInputs.array(fileAt: url).count == 2)
            let missing = directory.appendingPathComponent("missing.json")
            #expect {
                try RequestInputs.object(fileAt: missing)
            } throws: { error in
                guard case ProverNetClientError.file(let path, _) = error else { return false }
                return path == missing.path
            }
        }
    }
}
