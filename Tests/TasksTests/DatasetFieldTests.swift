import Foundation
import XCTest
@testable import Tasks

/// `textField` / `textPairField` / `labelField` (JSONL) and the TSV columns: a Hugging Face export (`sentence`, integer
/// labels) loads; a missing or mistyped chosen field names that field.
final class DatasetFieldTests: XCTestCase {
    private var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory(self) }

    func testHuggingFaceJSONLExport() throws {
        let t = try TestSupport.write(#"{"sentence": "a fine film", "label": 1, "idx": 0}"# + "\n" + #"{"sentence": "dull", "label": 0, "idx": 1}"# + "\n", "train.jsonl", in: dir)
        let fields = UserDatasetOptions.Fields(text: "sentence", label: "label")
        let (ds, _) = try JSONLDataset.load(train: t, validation: t, test: nil, options: UserDatasetOptions(fields: fields))
        XCTAssertEqual(ds.labels, ["0", "1"])
        XCTAssertEqual(ds.train, [TextExample(id: "0", text: "a fine film", label: 1), TextExample(id: "1", text: "dull", label: 0)])

        let pair = UserDatasetOptions.Fields(text: "premise", textPair: "hypothesis", label: "y")
        let p = try TestSupport.write(#"{"premise": "a dog runs", "hypothesis": "an animal moves", "y": "yes"}"# + "\n", "pair.jsonl", in: dir)
        XCTAssertEqual(try JSONLDataset.load(train: p, validation: p, test: nil, options: UserDatasetOptions(fields: pair)).0.train,
                       [TextExample(id: "\(p.path):1", text: "a dog runs", textPair: "an animal moves", label: 0)])
        XCTAssertThrowsDataError(try JSONLDataset.load(train: t, validation: t, test: nil, options: UserDatasetOptions(fields: pair)),
                                 .missingField(file: t.path, line: 1, field: "premise"))
        let wrong = UserDatasetOptions.Fields(text: "sentence", label: "idx")
        let s = try TestSupport.write(#"{"sentence": "x", "idx": [1]}"# + "\n", "s.jsonl", in: dir)
        XCTAssertThrowsDataError(try JSONLDataset.load(train: s, validation: s, test: nil, options: UserDatasetOptions(fields: wrong)),
                                 .wrongType(file: s.path, line: 1, field: "idx", expected: "a string or an integer", found: "an array"))
    }

    func testSingleSentenceTSV() throws {
        let t = try TestSupport.write("sentence\tlabel\na fine film\t1\ndull\t0\n", "train.tsv", in: dir)
        let fields = UserDatasetOptions.Fields(text: "sentence", textPair: nil, label: "label")
        let (ds, _) = try GLUETSVDataset.load(train: t, validation: t, test: nil, options: UserDatasetOptions(fields: fields))
        XCTAssertEqual(ds.labels, ["0", "1"])
        XCTAssertEqual(ds.train.map(\.text), ["a fine film", "dull"])
        XCTAssertEqual(ds.train.map(\.textPair), [nil, nil])
        XCTAssertThrowsDataError(try GLUETSVDataset.load(train: t, validation: t, test: nil, options: UserDatasetOptions()),
                                 .missingColumn(file: t.path, line: 1, column: "sentence1"))
    }
}
