import Foundation
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// docs/conventions.md: a spec path is looked up as given, then under `experiments/`.
final class SpecLookupTests: XCTestCase {
    let minimal = #"{"name": "m", "model": {"builtin": "tiny"}, "task": {"kind": "wordnet-supersense"}, "adapters": [{"targets": ["q"], "ranks": [1]}], "training": {"steps": 1}}"#

    func testFindsTheGivenPathThenExperiments() throws {
        let root = try TemporaryDirectory()
        let underExperiments = try root.write("experiments/specs/qv-rank.json", minimal.replacingOccurrences(of: "\"m\"", with: "\"under-experiments\""))
        let roots = ExperimentSpec.defaultLookupRoots(repositoryRoot: root.url)

        let (spec, url) = try ExperimentSpec.load(path: "specs/qv-rank.json", lookupRoots: roots)
        XCTAssertEqual(spec.name, "under-experiments")
        XCTAssertEqual(url.standardizedFileURL.path, underExperiments.standardizedFileURL.path)

        // The path as given wins when both exist.
        try root.write("specs/qv-rank.json", minimal.replacingOccurrences(of: "\"m\"", with: "\"as-given\""))
        XCTAssertEqual(try ExperimentSpec.load(path: "specs/qv-rank.json", lookupRoots: roots).0.name, "as-given")

        // An absolute path is used as it is.
        XCTAssertEqual(try ExperimentSpec.load(path: underExperiments.path, lookupRoots: roots).0.name, "under-experiments")
    }

    /// `experiment qv-rank`: a bare name finds `experiments/specs/qv-rank.json`; a file of that exact name still wins.
    func testFindsASpecByName() throws {
        let root = try TemporaryDirectory()
        let file = try root.write("experiments/specs/qv-rank.json", minimal.replacingOccurrences(of: "\"m\"", with: "\"by-name\""))
        let roots = ExperimentSpec.defaultLookupRoots(repositoryRoot: root.url)
        let (spec, url) = try ExperimentSpec.load(path: "qv-rank", lookupRoots: roots)
        XCTAssertEqual(spec.name, "by-name")
        XCTAssertEqual(url.standardizedFileURL.path, file.standardizedFileURL.path)
        let r = root.url.standardizedFileURL.path
        XCTAssertEqual(specError { _ = try ExperimentSpec.load(path: "nope", lookupRoots: roots) }?.description,
                       "nope: spec file not found (looked for \(r)/nope, \(r)/experiments/nope, \(r)/specs/nope.json, \(r)/experiments/specs/nope.json)")
    }

    func testNotFoundListsWhereItLooked() throws {
        let root = try TemporaryDirectory()
        let roots = ExperimentSpec.defaultLookupRoots(repositoryRoot: root.url)
        let r = root.url.standardizedFileURL.path
        XCTAssertEqual(specError { _ = try ExperimentSpec.load(path: "specs/nope.json", lookupRoots: roots) }?.description,
                       "specs/nope.json: spec file not found (looked for \(r)/specs/nope.json, \(r)/experiments/specs/nope.json)")
        try FileManager.default.createDirectory(at: root.url.appendingPathComponent("specs"), withIntermediateDirectories: true)
        XCTAssertEqual(specError { _ = try ExperimentSpec.load(path: "specs", lookupRoots: roots) }?.description,
                       "specs: is a directory, not a spec file (\(r)/specs)")
    }

    func testErrorsNameTheFileThatWasFound() throws {
        let root = try TemporaryDirectory()
        let f = try root.write("experiments/specs/broken.json", #"{"name": "broken", "training": {"steps": 1.5}}"#)
        let error = specError { _ = try ExperimentSpec.load(path: "specs/broken.json", lookupRoots: ExperimentSpec.defaultLookupRoots(repositoryRoot: root.url)) }
        XCTAssertEqual(error?.file, ExperimentSpec.displayName(for: f))
        XCTAssertEqual(error?.jsonPath, "(top level)")
        XCTAssertEqual(error?.reason, "missing required key 'model'")
    }

    func testDisplayNameIsRelativeInsideTheCurrentDirectory() {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        XCTAssertEqual(ExperimentSpec.displayName(for: cwd.appendingPathComponent("experiments/specs/qv-rank.json")),
                       "experiments/specs/qv-rank.json")
        XCTAssertEqual(ExperimentSpec.displayName(for: URL(fileURLWithPath: "/elsewhere/x.json")), "/elsewhere/x.json")
    }
}
