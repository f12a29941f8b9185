import Foundation
import LinearAlgebra
import LoRA
import XCTest
@testable import ExperimentReports
@testable import ExperimentSpec
@testable import Experiments

/// A small results folder built from deterministic seeded matrices (d = 16, 2 layers, targets q and v):
/// nine run folders (one diverged) and a planted adapter, with the tiny base weights the report reads.
/// `Tests/Fixtures/report/README.md` describes it; `Tests/Fixtures/report/expected/` holds its committed report.
enum ReportFixture {
    static let d = 16
    static let layers = 2
    static let alpha = 4.0

    struct Run {
        var targets: [LoRATarget]
        var rank: Int
        var initSeed: UInt64
        var dataSeed: UInt64 = 1
        var accuracy: Double
        var diverged = false
    }

    static let runs: [Run] = [
        Run(targets: [.q, .v], rank: 1, initSeed: 1, accuracy: 0.800),
        Run(targets: [.q, .v], rank: 1, initSeed: 2, accuracy: 0.795),
        Run(targets: [.q, .v], rank: 2, initSeed: 1, accuracy: 0.805),
        Run(targets: [.q, .v], rank: 4, initSeed: 1, accuracy: 0.5, diverged: true),
        Run(targets: [.q, .v], rank: 8, initSeed: 1, accuracy: 0.810),
        Run(targets: [.q, .v], rank: 8, initSeed: 2, accuracy: 0.812),
        Run(targets: [.q], rank: 1, initSeed: 1, accuracy: 0.700),
        Run(targets: [.q], rank: 2, initSeed: 1, accuracy: 0.720),
        Run(targets: [.q], rank: 8, initSeed: 1, accuracy: 0.750),
    ]

    static let options = AnalysesSpec(subspaceSimilarity: SubspaceSimilaritySpec(pairs: [RankPair(2, 8)], maxI: 2, maxJ: 8),
                                      seedSimilarity: SeedSimilaritySpec(rank: 8), projection: ProjectionSpec(),
                                      directionOverlap: true, spectra: true, accuracy: true, plantedRecovery: true, randomSeed: 0)

    static let context = ReportContext(specName: "fixture", title: "Report fixture: tiny BERT shapes",
                                       modelDescription: "tiny fixture (2 layers, d = 16)",
                                       taskDescription: "a synthetic 4-class task",
                                       gridDescription: "targets {q, v} and {q} × r ∈ {1, 2, 4, 8}, α = 4, seeds 1–2",
                                       reference: .table6, options: options, validationExamples: 2000)

    static let machine = MachineFacts(cpu: "fixture CPU", cores: 2, threads: 1, blas: "OpenBLAS (fixture)", gitCommit: "0123abc",
                                      swiftVersion: "6.3.1")

    static func gaussian(_ rows: Int, _ cols: Int, _ stream: String, std: Double = 1) -> Matrix<Double> {
        var rng = SeededGenerator(seed: 2021, stream: stream)
        return Matrix<Double>.gaussian(rows: rows, cols: cols, std: std, using: &rng)
    }

    static func orthonormal(_ n: Int, _ k: Int, _ stream: String) -> Matrix<Double> {
        try! gaussian(n, k, stream).orthonormalColumns()
    }

    /// W = U·diag(s)·Vᵀ with a decaying spectrum 8, 6, 5, 4, 3, …, so W's top directions are well separated.
    static func baseWeight(layer: Int, target: any AdapterSite) -> Matrix<Float> {
        let u = orthonormal(d, d, "W-U/\(layer)/\(target.rawValue)"), v = orthonormal(d, d, "W-V/\(layer)/\(target.rawValue)")
        let s = (0..<d).map { k in [8.0, 6, 5, 4, 3][safe: k] ?? 3.0 * pow(0.8, Double(k - 4)) }
        var us = u
        for i in 0..<d { for j in 0..<d { us[i, j] *= s[j] } }
        return Matrix.product(us, v, transposeB: true).converted(to: Float.self)
    }

    /// A: the first min(r, m) rows carry the shared "task" directions (m = 3 for q, 1 for v) with strengths 4, 3, 2,
    /// plus seed-dependent noise; the other rows are noise. B: seeded Gaussian, plus a component along W's 5th left
    /// singular direction so ΔW relates to W a little.
    static func factors(run: Run, layer: Int, target: LoRATarget) -> (a: Matrix<Float>, b: Matrix<Float>) {
        let task = orthonormal(d, 4, "task/\(layer)/\(target.rawValue)")
        let shared = target == .q ? 3 : 1
        let noise = gaussian(run.rank, d, "A-noise/\(run.initSeed)/\(run.rank)/\(layer)/\(target.rawValue)", std: 0.35)
        var a = Matrix<Double>(rows: run.rank, cols: d)
        for k in 0..<run.rank {
            for j in 0..<d {
                a[k, j] = (k < shared ? Double(4 - k) * task[j, k] : 0) + noise[k, j] * (k < shared ? 1 : 2.5)
            }
        }
        let b = gaussian(d, run.rank, "B/\(run.initSeed)/\(run.rank)/\(layer)/\(target.rawValue)", std: 0.2)
        return (a.converted(to: Float.self), b.converted(to: Float.self))
    }

    static func id(_ run: Run) -> String {
        run.targets.map(\.rawValue).joined() + "-r\(run.rank)-d\(run.dataSeed)-i\(run.initSeed)"
    }

    /// Writes the run folders under `root/results/fixture/runs/` and the planted adapter under `root/planted/`.
    static func make(in root: URL) throws -> (records: [RunRecord], results: URL, planted: URL) {
        let results = root.appendingPathComponent("results/fixture")
        var records: [RunRecord] = []
        for run in runs {
            let dir = results.appendingPathComponent("runs/\(id(run))")
            let parameters = LoRAParameters(rank: run.rank, alpha: alpha)
            if !run.diverged {
                var adapters: [LoRAAdapter] = []
                for layer in 0..<layers {
                    for t in run.targets {
                        let f = factors(run: run, layer: layer, target: t)
                        adapters.append(LoRAAdapter(target: t, layer: layer, parameters: parameters, a: f.a, b: f.b))
                    }
                }
                try PEFTAdapterFile.write(adapters, to: dir.appendingPathComponent("adapter"), baseModel: "fixture-tiny",
                                          harness: .init(initSeed: run.initSeed, dataSeed: run.dataSeed, runId: id(run)))
            } else {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            let trainable = run.rank * 2 * d * layers * run.targets.count + (d * 4 + 4)
            let validation: [String: Double] = run.diverged ? [:]
                : ["accuracy": run.accuracy, "macro_f1": run.accuracy - 0.05, "loss": 2 - 2 * run.accuracy]
            let outcome = RunOutcome(status: run.diverged ? .diverged : .finished, steps: run.diverged ? 17 : 200,
                                     primaryMetric: "accuracy", validation: validation, majorityBaseline: 0.25,
                                     trainSeconds: 12.5, headParameters: d * 4 + 4, machine: machine)
            records.append(RunRecord(id: id(run), targets: run.targets, layers: [0, 1], rank: run.rank, alpha: alpha, rsLoRA: false,
                                     scaling: parameters.scaling, dataSeed: run.dataSeed, initSeed: run.initSeed,
                                     trainableParameters: trainable, outcome: outcome, directory: dir))
        }
        // The planted ΔW*: rank 2 along the first two task directions of q and v.
        let planted = root.appendingPathComponent("planted")
        let p = LoRAParameters(rank: 2, alpha: 2)
        var adapters: [LoRAAdapter] = []
        for layer in 0..<layers {
            for t in [LoRATarget.q, .v] {
                let task = orthonormal(d, 4, "task/\(layer)/\(t.rawValue)")
                let a = Matrix<Double>(rows: 2, cols: d) { k, j in task[j, k] * Double(2 - k) }
                let b = gaussian(d, 2, "planted-B/\(layer)/\(t.rawValue)")
                adapters.append(LoRAAdapter(target: t, layer: layer, parameters: p, a: a.converted(to: Float.self), b: b.converted(to: Float.self)))
            }
        }
        try PEFTAdapterFile.write(adapters, to: planted, baseModel: "fixture-tiny", harness: nil)
        return (records, results, planted)
    }

    /// Builds the fixture report into `root` and returns the results folder.
    @discardableResult
    static func build(in root: URL, options: AnalysesSpec = options) throws -> (results: URL, summary: ReportSummary) {
        let (records, results, planted) = try make(in: root)
        var ctx = context
        ctx.options = options
        let summary = try ReportBuilder.build(context: ctx, runs: records, baseWeights: { l, t in baseWeight(layer: l, target: t) },
                                              plantedAdapterDirectory: planted, resultsDirectory: results)
        return (results, summary)
    }

    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("report-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Tests/Fixtures/report/expected/.
    static var expectedDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/report/expected")
    }

    /// Every file under `dir`, relative path → bytes.
    static func files(under dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return out }
        for case let rel as String in e {
            var isDir: ObjCBool = false
            let path = base + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, !rel.hasPrefix("runs/") {
                out[rel] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }
}

extension Array {
    subscript(safe k: Int) -> Element? { k >= 0 && k < count ? self[k] : nil }
}

/// Compares two texts number-tolerantly: the non-numeric text must match exactly; numbers may differ by one unit in
/// their last printed digit (BLAS round-off on another CPU) or by 1e-7 relative.
func assertTextsMatch(_ actual: String, _ expected: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    if actual == expected { return }
    func tokens(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inNumber = false
        for ch in s {
            let numeric = ch.isNumber || ch == "." || ch == "-" || ch == "e" || ch == "+"
            if numeric != inNumber && !current.isEmpty { out.append(current); current = "" }
            inNumber = numeric
            current.append(ch)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
    let a = tokens(actual), b = tokens(expected)
    guard a.count == b.count else {
        XCTFail("\(name): differs from the expected file in structure (\(a.count) vs \(b.count) tokens); "
                + "rerun with UPDATE_REPORT_FIXTURES=1 if the change is intended", file: file, line: line)
        return
    }
    for (x, y) in zip(a, b) where x != y {
        guard let dx = Double(x), let dy = Double(y) else {
            XCTFail("\(name): '\(x)' where the expected file has '\(y)'", file: file, line: line)
            return
        }
        let decimals = y.split(separator: "e")[0].split(separator: ".").dropFirst().first?.count ?? 0
        let unit = pow(10, -Double(decimals))
        if abs(dx - dy) > 1.01 * unit && abs(dx - dy) > 1e-7 * Swift.max(abs(dx), abs(dy)) {
            XCTFail("\(name): \(x) where the expected file has \(y)", file: file, line: line)
            return
        }
    }
}

final class ReportFixtureTests: XCTestCase {
    /// report.md, the CSVs and claims.csv against `Tests/Fixtures/report/expected/` (UPDATE_REPORT_FIXTURES=1 rewrites them;
    /// REPORT_FIXTURE_OUTPUT=<dir> also leaves a complete build, figures included, in <dir> for inspection).
    func testFixtureReportMatchesCommittedExpectedFiles() throws {
        if let keep = ProcessInfo.processInfo.environment["REPORT_FIXTURE_OUTPUT"], !keep.isEmpty {
            try ReportFixture.build(in: URL(fileURLWithPath: keep))
        }
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        let produced = try ReportFixture.files(under: results).filter { !$0.key.hasPrefix("figures/") }
        let expectedDir = ReportFixture.expectedDirectory
        if ProcessInfo.processInfo.environment["UPDATE_REPORT_FIXTURES"] == "1" {
            try? FileManager.default.removeItem(at: expectedDir)
            for (name, data) in produced {
                let url = expectedDir.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            return
        }
        let expected = try ReportFixture.files(under: expectedDir)
        XCTAssertEqual(Set(produced.keys), Set(expected.keys), "files of the fixture report")
        for name in produced.keys.sorted() {
            guard let e = expected[name] else { continue }
            assertTextsMatch(String(decoding: produced[name]!, as: UTF8.self), String(decoding: e, as: UTF8.self), name)
        }
    }

    /// Two builds from two copies of the fixture, and a rebuild in place: identical bytes, nothing removed.
    func testBuildTwiceGivesIdenticalBytes() throws {
        let a = try ReportFixture.temporaryDirectory("a"), b = try ReportFixture.temporaryDirectory("b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let (resultsA, summaryA) = try ReportFixture.build(in: a)
        let (resultsB, summaryB) = try ReportFixture.build(in: b)
        let filesA = try ReportFixture.files(under: resultsA), filesB = try ReportFixture.files(under: resultsB)
        XCTAssertEqual(Set(filesA.keys), Set(filesB.keys))
        for (name, data) in filesA { XCTAssertEqual(data, filesB[name], "\(name) differs between two builds") }
        XCTAssertEqual(summaryA.filesWritten, summaryB.filesWritten)
        XCTAssertEqual(summaryA.claims, summaryB.claims)
        let (_, again) = try ReportFixture.build(in: a)
        XCTAssertEqual(again.filesRemoved, [])
        XCTAssertEqual(try ReportFixture.files(under: resultsA), filesA, "a rebuild in place changed bytes")
        XCTAssertTrue(filesA.keys.contains("figures/fig3-q-layer1.svg"))
        XCTAssertTrue(filesA.keys.contains("figures/fig4-v-layer1.svg"))
        XCTAssertTrue(filesA.keys.contains("figures/fig8-q.svg"))
        XCTAssertTrue(filesA.keys.contains("figures/accuracy-vs-rank.svg"))
        XCTAssertTrue(filesA.keys.contains("figures/planted-recovery.svg"))
    }

    /// Header rows: the columns of docs/conventions.md first, in order.
    func testCSVHeadersFollowTheConventions() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        func header(_ name: String) throws -> [String] {
            let text = try String(contentsOf: results.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n", maxSplits: 1).first.map { $0.split(separator: ",").map(String.init) } ?? []
        }
        XCTAssertEqual(Array(try header("subspace_similarity.csv").prefix(7)), ["layer", "matrix", "run_a", "run_b", "i", "j", "phi"])
        XCTAssertTrue(try header("subspace_similarity.csv").contains("expected_random"))
        XCTAssertEqual(Array(try header("weight_projection.csv").prefix(9)),
                       ["layer", "matrix", "rank", "seed", "directions_from", "projection_norm", "weight_norm", "delta_norm", "amplification"])
        XCTAssertEqual(Array(try header("accuracy.csv").prefix(11)),
                       ["run", "targets", "rank", "data_seed", "init_seed", "trainable_params", "status", "steps", "metric", "split", "value"])
        XCTAssertTrue(try header("accuracy.csv").contains("macro_f1"))
        XCTAssertEqual(Array(try header("spectra.csv").prefix(5)), ["run", "layer", "matrix", "index", "singular_value"])
    }

    /// The CSVs read back give the same claims and the same section text as the build used (report ≡ notebook).
    func testResultsFolderReadsBackToTheSameReport() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, summary) = try ReportFixture.build(in: root)
        let data = try ReportData.load(from: results)
        XCTAssertEqual(Claims.evaluate(data, options: ReportFixture.options), summary.claims)
        XCTAssertEqual(data.claims, summary.claims)
        let report = try String(contentsOf: results.appendingPathComponent("report.md"), encoding: .utf8)
        let env = SectionEnvironment(data: data, context: ReportFixture.context,
                                     figureExists: { FileManager.default.fileExists(atPath: results.appendingPathComponent("figures/" + $0).path) },
                                     figureLink: { "figures/" + $0 })
        for section in ReportSection.allCases {
            guard let body = ReportMarkdown.body(section, env) else { continue }
            XCTAssertTrue(report.contains(body), "report.md lacks the \(section.rawValue) section as rendered from the files")
        }
    }

    /// Structure of the fixture's analyses: which rows exist, what the diverged run contributes, basic identities.
    func testFixtureAnalysesContent() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, summary) = try ReportFixture.build(in: root)
        XCTAssertEqual(summary.runsAnalysed, 8)
        XCTAssertEqual(summary.runsSkipped, ["qv-r4-d1-i1"])
        let data = try ReportData.load(from: results)
        XCTAssertEqual(data.accuracy?.count, 9)
        XCTAssertEqual(data.accuracy?.first { $0.run == "qv-r4-d1-i1" }?.status, "diverged")
        XCTAssertFalse(data.projection!.contains { $0.run == "qv-r4-d1-i1" })
        // Every grid exists on A, on A − A₀ (the fixture's adapters record their init seeds) and on ΔW, cell for cell; the
        // fixture asks for no data metric (no input covariances), so no grid on ΔW·C^{1/2}.
        let onA = data.similarity!.filter { $0.basis == .a }
        XCTAssertFalse(data.similarity!.contains { $0.basis == .dataMetric })
        for basis in SimilarityBasis.haarNull {
            XCTAssertEqual(data.similarity!.filter { $0.basis == basis }.map { "\($0.comparison) \($0.layer) \($0.matrix) \($0.runA) \($0.i) \($0.j)" },
                           onA.map { "\($0.comparison) \($0.layer) \($0.matrix) \($0.runA) \($0.i) \($0.j)" }, "\(basis)")
        }
        // Fig 3 rows: r2 vs r8 for seed 1, q+v and q, 2 layers, i ≤ 2, j ≤ 8.
        let rank = onA.filter { $0.comparison == .rank }
        XCTAssertEqual(Set(rank.map { "\($0.targets) \($0.runA) \($0.runB)" }), ["q+v r2-s1 r8-s1", "q r2-s1 r8-s1"])
        XCTAssertEqual(rank.count, (2 * 2 + 2) * 2 * 8)
        // Fig 4: q+v r8-s1 vs r8-s2, 8 × 8, both matrices and layers. Every cell carries its null (random subspaces):
        // a band that contains its mean, and the observed value's quantile.
        XCTAssertEqual(onA.filter { $0.comparison == .seed }.count, 2 * 2 * 64)
        for r in data.similarity! {
            XCTAssertEqual(r.expectedRandom, Double(max(r.i, r.j)) / 16, accuracy: 1e-9)
            let n = try XCTUnwrap(r.null)
            XCTAssertTrue(n.lower <= n.mean && n.mean <= n.upper && (0...1).contains(n.quantile), "\(r)")
        }
        XCTAssertTrue(data.overlap!.allSatisfy { $0.null != nil })
        // Table 7's random row is the null's mean; ΔW rows carry ratio = null mean / projection.
        for row in data.projection! where row.directionsFrom != .w {
            let n = try XCTUnwrap(row.null)
            XCTAssertEqual(n.draws, 200)
            if row.directionsFrom == .random { XCTAssertEqual(row.projectionNorm, n.mean) }
            if row.directionsFrom == .deltaW { XCTAssertEqual(n.ratio!, n.mean / row.projectionNorm, accuracy: 1e-8 * n.ratio!) }
        }
        // null_distributions.csv: D per (layer, matrix) of the seed pairs; null_projection_growth.csv: growth per
        // (layer, matrix, lower rank) of Table 7.
        let nulls = try XCTUnwrap(data.nulls)
        XCTAssertEqual(nulls.count, 2 * 2)
        XCTAssertTrue(nulls.allSatisfy { $0.statistic == .diagonalMean && $0.k == 2 && $0.rankA == 8 })
        let growth = try XCTUnwrap(data.growthNulls)
        XCTAssertEqual(growth.count, 2 * 2 * 2)   // r = 1, 2 against 8
        XCTAssertTrue(growth.allSatisfy { $0.statistic == .projectionGrowth && $0.k == nil })
        // Table 7: W-direction value = √(Σ_{k≤r} s_k²) of W's spectrum; amplification only on delta_w rows.
        let s: [Double] = [8, 6, 5, 4, 3]
        for row in data.projection! where row.directionsFrom == .w && row.rank <= 4 {
            XCTAssertEqual(row.projectionNorm, s.prefix(row.rank).map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-4)
        }
        XCTAssertTrue(data.projection!.allSatisfy { ($0.amplification != nil) == ($0.directionsFrom == .deltaW) })
        XCTAssertEqual(data.projection!.count, 8 * 3 * 2 * 2 - 3 * 3 * 2 * 1)  // q-only runs adapt one matrix
        // Planted recovery: k ≤ min(r, 2) per run, layer and matrix.
        XCTAssertTrue(data.planted!.allSatisfy { $0.k <= min($0.rank, 2) && $0.plantedRank == 2 })
        XCTAssertEqual(summary.claims.map(\.number), Array(1...8))
    }

    /// Fig 4 bounds: seedMaxI × seedMaxJ cells per seed pair; Fig 3 caps at the pair's ranks.
    func testGridBounds() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var options = ReportFixture.options
        options.seedSimilarity = SeedSimilaritySpec(rank: 8, maxI: 3, maxJ: 5)
        options.subspaceSimilarity?.maxI = 100
        let (results, _) = try ReportFixture.build(in: root, options: options)
        let sim = try XCTUnwrap(try ReportData.load(from: results).similarity)
        XCTAssertEqual(sim.filter { $0.comparison == .seed && $0.basis == .a }.count, 2 * 2 * 15)
        XCTAssertEqual(sim.filter { $0.comparison == .rank }.map(\.i).max(), 2)
    }

    /// Switching an analysis off removes its file (and figures) on the next build.
    func testStaleFilesOfSwitchedOffAnalysesAreRemoved() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (results, _) = try ReportFixture.build(in: root)
        var options = ReportFixture.options
        options.spectra = false
        options.directionOverlap = false
        let (_, summary) = try ReportFixture.build(in: root, options: options)
        XCTAssertEqual(summary.filesRemoved, ["direction_overlap.csv", "spectra.csv", "figures/fig8-q.svg", "figures/fig8-v.svg"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: results.appendingPathComponent("spectra.csv").path))
        let claims = try String(contentsOf: results.appendingPathComponent("claims.csv"), encoding: .utf8)
        XCTAssertTrue(claims.contains("7,App. H.3,not tested by this spec"))
    }

    /// A run record that disagrees with its adapter is an error naming the adapter's file and field.
    func testAdapterDisagreeingWithRunRecordIsAnError() throws {
        let root = try ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var (records, results, planted) = try ReportFixture.make(in: root)
        records[0].rank = 4
        records[0].scaling = ReportFixture.alpha / 4
        XCTAssertThrowsError(try ReportBuilder.build(context: ReportFixture.context, runs: records,
                                                     baseWeights: { ReportFixture.baseWeight(layer: $0, target: $1) },
                                                     plantedAdapterDirectory: planted, resultsDirectory: results)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("adapter_config.json") && text.contains("'r'"), text)
        }
        (records, _, _) = try ReportFixture.make(in: root)
        try FileManager.default.removeItem(at: records[0].adapterDirectory.appendingPathComponent("adapter_model.safetensors"))
        XCTAssertThrowsError(try ReportBuilder.build(context: ReportFixture.context, runs: records,
                                                     baseWeights: { ReportFixture.baseWeight(layer: $0, target: $1) },
                                                     plantedAdapterDirectory: planted, resultsDirectory: results)) { error in
            XCTAssertTrue("\(error)".contains("adapter_model.safetensors"), "\(error)")
        }
    }
}
