import Foundation
import Support
import Tasks

/// An automatic validation split for user data (JSONL, GLUE TSV) that ships no validation file: the spec gives
/// `"validationFraction": f` (0 < f < 1) instead of `"validation"`, and each training example goes to validation when
/// the first 8 hex digits of SHA-256 of its text (a tab, then its pair text, when it has one) read as an integer u
/// satisfy u / 2³² < f. The split depends only on the example's text — not on its position, the seeds or the file's
/// order — so it is the same on every machine and run, and a duplicated text never lands on both sides.
public enum ValidationSplit {
    /// Reads `train` and either `validation` or `validationFraction` (both, or neither, is an error at the object).
    static func read(_ o: JSONObjectReader) throws -> (train: String, validation: String, fraction: Double?) {
        let train = try o.required("train").nonEmptyString()
        switch (o["validation"], o["validationFraction"]) {
        case (_?, _?):
            throw o["validationFraction"]!.error("give either 'validation' (a file) or 'validationFraction' (a share of the training file), not both")
        case (let v?, nil):
            return (train, try v.nonEmptyString(), nil)
        case (nil, let f?):
            let fraction = try f.double(in: 0, 1)
            guard fraction > 0 && fraction < 1 else { throw f.error("must lie strictly between 0 and 1, got \(fraction)") }
            return (train, train, fraction)
        case (nil, nil):
            _ = try o.required("validation")   // throws: missing 'validation'
            return (train, train, nil)
        }
    }

    /// `data`'s training examples split into train and validation by the hash rule (its own validation is dropped).
    /// - Throws: `DataError.invalidOption` when either side would be empty.
    public static func split(_ data: TextDataset, fraction f: Double, file: String) throws -> TextDataset {
        var train: [TextExample] = [], validation: [TextExample] = []
        for e in data.train {
            let key = e.text + (e.textPair.map { "\t" + $0 } ?? "")
            let u = UInt64(SHA256.hex(Data(key.utf8)).prefix(8), radix: 16)!
            if Double(u) / 4_294_967_296 < f { validation.append(e) } else { train.append(e) }
        }
        guard !train.isEmpty, !validation.isEmpty else {
            throw DataError.invalidOption(field: "validationFraction", reason: "\(file): \(data.train.count) examples give an empty \(train.isEmpty ? "training" : "validation") side at fraction \(f)")
        }
        return TextDataset(name: data.name, labels: data.labels, train: train, validation: validation, test: data.test)
    }
}
