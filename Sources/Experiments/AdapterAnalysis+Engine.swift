import Analysis
import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors

/// (layer, matrix) of one LoRA adapter.
struct AdapterKey: Hashable, Comparable, Sendable {
    var layer: Int
    var target: LoRATarget
    static func < (a: AdapterKey, b: AdapterKey) -> Bool { (a.layer, a.target) < (b.layer, b.target) }
}

/// The factors of one adapter in Float64, with their SVDs computed on first use and kept.
final class AdapterFactors {
    /// A (r × in), B (out × r) as stored; ΔW = scaling·B·A.
    let a: Matrix<Double>
    let b: Matrix<Double>
    let scaling: Double
    private var aRightCache: Matrix<Double>?
    private var deltaCache: SingularBasis?

    init(a: Matrix<Double>, b: Matrix<Double>, scaling: Double) {
        self.a = a
        self.b = b
        self.scaling = scaling
    }

    /// RIGHT singular vectors of A as columns (in × min(r, in)): the directions φ compares (Sec 7.2).
    func aRight() throws -> Matrix<Double> {
        if let c = aRightCache { return c }
        // = SubspaceSimilarity.rightSingularBasis(of: a), through the specialised SVD.
        let v = try ReportLinearAlgebra.svd(a).right
        aRightCache = v
        return v
    }

    /// SVD of ΔW = scaling·B·A from the factors (`LowRank.svd`, no dense SVD).
    func delta() throws -> SingularBasis {
        if let c = deltaCache { return c }
        let s = try LowRank.svd(b: b, a: a, scale: scaling)
        deltaCache = s
        return s
    }
}

/// One adapter set under analysis: a run of a spec, or an adapter directory given to `experiment analyze`.
final class AnalysisSubject {
    /// Run id (or the adapter directory's name).
    let id: String
    /// The label in run_a/run_b columns: `RunRecord.rankSeedLabel` (or the directory name).
    let label: String
    /// Target-set label, e.g. "q+v".
    let targets: String
    let rank: Int
    let initSeed: UInt64?
    let dataSeed: UInt64?
    /// Where the factors came from, for error messages.
    let file: String
    let factors: [AdapterKey: AdapterFactors]

    init(id: String, label: String, targets: String, rank: Int, initSeed: UInt64?, dataSeed: UInt64?, file: String,
         factors: [AdapterKey: AdapterFactors]) {
        self.id = id
        self.label = label
        self.targets = targets
        self.rank = rank
        self.initSeed = initSeed
        self.dataSeed = dataSeed
        self.file = file
        self.factors = factors
    }

    var keys: [AdapterKey] { factors.keys.sorted() }

    /// Equal for runs that differ only in rank (same data and init seeds).
    var seedKey: SeedKey { SeedKey(initSeed: initSeed, dataSeed: dataSeed) }

    /// Reads a PEFT adapter directory (float32 factors, converted to Float64). `dimensions` gives (in, out) per target;
    /// `layerCount` is how many layers the directory may name (tensors beyond it are an error).
    static func load(directory: URL, id: String, label: String, targets: String?, rank: Int?, initSeed: UInt64?, dataSeed: UInt64?,
                     expectedScaling: Double?, dimensions: [LoRATarget: (inFeatures: Int, outFeatures: Int)],
                     layerCount: Int) throws -> AnalysisSubject {
        let (config, adapters) = try PEFTAdapterFile.read(directory, dimensions: { dimensions[$0] ?? (0, 0) }, layers: layerCount)
        let configFile = directory.appendingPathComponent(PEFTAdapterFile.configName).path
        guard let first = adapters.first else {
            throw ReportError.invalidInput(file: directory.appendingPathComponent(PEFTAdapterFile.weightsName).path,
                                           reason: "holds no LoRA factors")
        }
        let scaling = first.parameters.scaling
        if let r = rank, r != config.r {
            throw ReportError.invalidInput(file: configFile, reason: "field 'r' is \(config.r) but the run record says rank \(r)")
        }
        if let s = expectedScaling, abs(s - scaling) > 1e-9 * Swift.max(1, abs(s)) {
            throw ReportError.invalidInput(file: configFile, reason: "lora_alpha \(config.loraAlpha), use_rslora \(config.useRslora) give "
                                           + "scaling \(scaling) but the run record says \(s)")
        }
        let found = Array(Set(adapters.map(\.target))).sorted()
        let foundLabel = found.map(\.rawValue).joined(separator: "+")
        if let t = targets, t != foundLabel {
            throw ReportError.invalidInput(file: configFile, reason: "the adapter holds targets \(foundLabel) but the run record says \(t)")
        }
        var factors: [AdapterKey: AdapterFactors] = [:]
        for ad in adapters {
            factors[AdapterKey(layer: ad.layer, target: ad.target)] =
                AdapterFactors(a: ReportLinearAlgebra.doubles(ad.a.value), b: ReportLinearAlgebra.doubles(ad.b.value), scaling: scaling)
        }
        return AnalysisSubject(id: id, label: label, targets: targets ?? foundLabel, rank: config.r,
                               initSeed: initSeed ?? config.harness?.initSeed, dataSeed: dataSeed ?? config.harness?.dataSeed,
                               file: directory.appendingPathComponent(PEFTAdapterFile.weightsName).path, factors: factors)
    }

    /// Number of layers an adapter directory names (largest `encoder.layer.L` + 1), from its safetensors header; a layer
    /// index that is not a number below `BertConfig.sizeLimits`' layer bound is an `AdapterFileError.unexpectedTensor`.
    static func layerCount(ofAdapter directory: URL) throws -> Int {
        let url = directory.appendingPathComponent(PEFTAdapterFile.weightsName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw AdapterFileError.missingFile(path: url.path) }
        let file = try SafeTensorsFile(contentsOf: url)
        var maxLayer = -1
        for t in file.tensors {
            guard let r = t.name.range(of: "encoder.layer.") else { continue }
            let digits = t.name[r.upperBound...].prefix { $0.isNumber }
            guard let l = Int(digits), l < BertConfig.sizeLimit("num_hidden_layers")! else {   // bounded before `+ 1`
                throw AdapterFileError.unexpectedTensor(file: url.path, tensor: t.name)
            }
            maxLayer = Swift.max(maxLayer, l)
        }
        return maxLayer + 1
    }
}

struct SeedKey: Hashable, Comparable, Sendable {
    var initSeed: UInt64?
    var dataSeed: UInt64?
    static func < (a: SeedKey, b: SeedKey) -> Bool {
        (a.initSeed ?? .max, a.dataSeed ?? .max) < (b.initSeed ?? .max, b.dataSeed ?? .max)
    }
}

/// Computes the rows of every analysis CSV from loaded adapters. W's SVD is computed once per (layer, matrix) and
/// random bases once per shape, so a spec's analyses cost a few dense SVDs plus many small ones.
///
/// Conventions (CONTRACTS): ΔW = scaling·B·A (scaling α/r, rsLoRA α/√r); W is the frozen weight in (out, in) layout;
/// φ on the RIGHT singular vectors of A; Table 7 value ‖UᵀWV‖_F with U, V the top-r singular vectors as columns.
final class AnalysisEngine {
    let options: AnalysisOptions
    private let baseWeights: (Int, LoRATarget) throws -> Matrix<Float>
    private var weights: [AdapterKey: (w: Matrix<Double>, basis: SingularBasis)] = [:]
    private var weightNorms: [AdapterKey: Double] = [:]
    private var randomBases: [[Int]: SingularBasis] = [:]
    /// ‖UᵀWV‖_F for U, V from W itself and from the random matrix, per (layer, matrix, r): the same for every run.
    private var fixedProjections: [FixedProjectionKey: (w: Double, random: Double)] = [:]

    private struct FixedProjectionKey: Hashable { var key: AdapterKey; var rank: Int }
    /// max(i, j)/k rounded as written, per (max(i, j), k): a handful of values behind 10⁵ cells.
    private var expectations: [[Int]: Double] = [:]

    func expectedRandom(_ i: Int, _ j: Int, ambient k: Int) -> Double {
        let m = Swift.max(i, j)
        if let e = expectations[[m, k]] { return e }
        let e = csvRounded(Double(m) / Double(k))
        expectations[[m, k]] = e
        return e
    }

    init(options: AnalysisOptions, baseWeights: @escaping (Int, LoRATarget) throws -> Matrix<Float>) {
        self.options = options
        self.baseWeights = baseWeights
    }

    /// (in, out) of every target whose weight the closure provides at `layer` (others are absent).
    func dimensions(layer: Int) -> [LoRATarget: (inFeatures: Int, outFeatures: Int)] {
        var out: [LoRATarget: (inFeatures: Int, outFeatures: Int)] = [:]
        for t in LoRATarget.allCases {
            if let w = try? baseWeights(layer, t) { out[t] = (w.cols, w.rows) }
        }
        return out
    }

    /// W (Float64) and its full thin SVD, cached per (layer, matrix).
    func weight(_ key: AdapterKey) throws -> (w: Matrix<Double>, basis: SingularBasis) {
        if let c = weights[key] { return c }
        let w = ReportLinearAlgebra.doubles(try baseWeights(key.layer, key.target))
        let basis: SingularBasis
        do { basis = try ReportLinearAlgebra.svd(w) } catch {
            throw ReportError.analysisFailed(file: key.target.weightName(layer: key.layer), reason: "SVD of W failed: \(error)")
        }
        weights[key] = (w, basis)
        weightNorms[key] = ReportLinearAlgebra.frobeniusNorm(w)
        return (w, basis)
    }

    /// Computes (and caches) W and its SVD for every key; the W SVDs are the costliest step of a report.
    func prepareWeights(_ keys: [AdapterKey]) throws {
        for key in keys { _ = try weight(key) }
    }

    /// Table 7's random directions for a rows × cols matrix, cached: exactly `WeightProjection.randomBasis(rows:cols:seed:)`
    /// (a N(0, 1) matrix from `SeededGenerator(seed: options.randomSeed, stream: "table7-random")`, row by row, and its
    /// thin SVD), through the specialised SVD.
    func randomBasis(rows: Int, cols: Int) throws -> SingularBasis {
        if let c = randomBases[[rows, cols]] { return c }
        var rng = SeededGenerator(seed: options.randomSeed, stream: "table7-random")
        var storage = [Double](repeating: 0, count: rows * cols)
        for k in 0..<storage.count { storage[k] = rng.nextGaussian() * 1 }
        let b = try ReportLinearAlgebra.svd(Matrix(rows: rows, cols: cols, storage: storage))
        randomBases[[rows, cols]] = b
        return b
    }

    private func wrap<T>(_ subject: AnalysisSubject, _ key: AdapterKey, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ReportError { throw e } catch {
            throw ReportError.analysisFailed(file: subject.file, reason: "\(key.target.peftPrefix(layer: key.layer)): \(error)")
        }
    }

    // MARK: Fig 3 / Fig 4 / adapter pairs

    /// φ grid rows between two subjects for every (layer, matrix) both adapt; i ≤ min(maxI, r_a), j ≤ min(maxJ, r_b).
    func similarityRows(_ x: AnalysisSubject, _ y: AnalysisSubject, maxI: Int, maxJ: Int,
                        comparison: SimilarityComparison) throws -> [SimilarityRow] {
        var rows: [SimilarityRow] = []
        for key in x.keys where y.factors[key] != nil {
            let (fx, fy) = (x.factors[key]!, y.factors[key]!)
            let ux = try wrap(x, key) { try fx.aRight() }
            let uy = try wrap(y, key) { try fy.aRight() }
            let ni = Swift.min(maxI, ux.cols), nj = Swift.min(maxJ, uy.cols)
            guard ni >= 1, nj >= 1, ux.rows == uy.rows else { continue }
            let grid = SubspaceSimilarity.phiGrid(ux, uy, maxI: ni, maxJ: nj)
            let k = ux.rows
            rows.reserveCapacity(rows.count + ni * nj)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(SimilarityRow(layer: key.layer, matrix: key.target.rawValue, runA: x.label, runB: y.label, i: i, j: j,
                                              phi: csvRounded(grid[i - 1][j - 1]),
                                              expectedRandom: expectedRandom(i, j, ambient: k),
                                              comparison: comparison, targets: x.targets, rankA: x.rank, rankB: y.rank, ambient: k))
                }
            }
        }
        return rows
    }

    /// Fig 3: for every pair [r_a, r_b] of options.rankPairs, runs with the same targets and seeds at those ranks.
    func rankPairRows(_ subjects: [AnalysisSubject]) throws -> [SimilarityRow] {
        var rows: [SimilarityRow] = []
        for pair in options.rankPairs where pair.count == 2 {
            for group in ReportOrder.groupedByTargets(subjects) {
                let small = Dictionary(group.filter { $0.rank == pair[0] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                let large = Dictionary(group.filter { $0.rank == pair[1] }.map { ($0.seedKey, $0) }, uniquingKeysWith: { a, _ in a })
                for seed in small.keys.sorted() {
                    guard let x = small[seed], let y = large[seed] else { continue }
                    rows += try similarityRows(x, y, maxI: options.maxI, maxJ: options.maxJ, comparison: .rank)
                }
            }
        }
        return rows
    }

    /// Fig 4: every pair of seeds at options.seedSimilarityRank (same targets), i ≤ seedMaxI, j ≤ seedMaxJ (default: that
    /// rank); then the random Gaussian panel (one per input dimension met), run_a "random-a", run_b "random-b".
    func seedPairRows(_ subjects: [AnalysisSubject]) throws -> [SimilarityRow] {
        guard let k = options.seedSimilarityRank else { return [] }
        let maxI = Swift.min(options.seedMaxI ?? k, k), maxJ = Swift.min(options.seedMaxJ ?? k, k)
        var rows: [SimilarityRow] = []
        for group in ReportOrder.groupedByTargets(subjects) {
            let atRank = group.filter { $0.rank == k }.sorted { $0.seedKey < $1.seedKey }
            guard atRank.count >= 2 else { continue }
            for a in 0..<(atRank.count - 1) {
                for b in (a + 1)..<atRank.count where atRank[a].seedKey != atRank[b].seedKey {
                    rows += try similarityRows(atRank[a], atRank[b], maxI: maxI, maxJ: maxJ, comparison: .seed)
                }
            }
        }
        let ambients = Array(Set(rows.map(\.ambient))).sorted()
        for ambient in ambients {
            let ni = Swift.min(maxI, ambient), nj = Swift.min(maxJ, ambient)
            let grid = try SubspaceSimilarity.randomBaselineGrid(rows: k, ambient: ambient, maxI: ni, maxJ: nj, seed: options.randomSeed)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(SimilarityRow(layer: nil, matrix: "", runA: "random-a", runB: "random-b", i: i, j: j,
                                              phi: csvRounded(grid[i - 1][j - 1]),
                                              expectedRandom: expectedRandom(i, j, ambient: ambient),
                                              comparison: .random, targets: "", rankA: k, rankB: k, ambient: ambient))
                }
            }
        }
        return rows
    }

    // MARK: Table 7

    /// The three Table 7 rows of one adapter, in the order ΔW, W, random — the values of `WeightProjection.table7Rows`
    /// (same formulas, same order of operations), with the W and random rows computed once per (layer, matrix, r).
    func table7(_ s: AnalysisSubject, _ key: AdapterKey) throws -> (rank: Int, rows: [ProjectionResult], shape: (Int, Int)) {
        let (w, wBasis) = try weight(key)
        let delta = try wrap(s, key) { try s.factors[key]!.delta() }
        let r = Swift.min(s.rank, delta.count, wBasis.count)
        let weightNorm = weightNorms[key]!
        let fixedKey = FixedProjectionKey(key: key, rank: r)
        let fixed: (w: Double, random: Double)
        if let f = fixedProjections[fixedKey] { fixed = f } else {
            let random = try randomBasis(rows: w.rows, cols: w.cols)
            fixed = (ReportLinearAlgebra.projectionNorm(w: w, left: wBasis.left, right: wBasis.right, rank: r),
                     ReportLinearAlgebra.projectionNorm(w: w, left: random.left, right: random.right, rank: r))
            fixedProjections[fixedKey] = fixed
        }
        let onDelta = ReportLinearAlgebra.projectionNorm(w: w, left: delta.left, right: delta.right, rank: r)
        let deltaNorm = delta.frobeniusNorm
        return (r, [
            ProjectionResult(directionsFrom: .deltaW, rank: r, projectionNorm: onDelta, weightNorm: weightNorm, deltaNorm: deltaNorm,
                             amplification: deltaNorm / onDelta),
            ProjectionResult(directionsFrom: .w, rank: r, projectionNorm: fixed.w, weightNorm: weightNorm, deltaNorm: nil, amplification: nil),
            ProjectionResult(directionsFrom: .random, rank: r, projectionNorm: fixed.random, weightNorm: weightNorm, deltaNorm: nil,
                             amplification: nil),
        ], (w.rows, w.cols))
    }

    func projectionRows(_ subjects: [AnalysisSubject]) throws -> [ProjectionRow] {
        var rows: [ProjectionRow] = []
        for s in subjects {
            for key in s.keys where options.projectionLayers.map({ $0.contains(key.layer) }) ?? true {
                let (r, results, shape) = try table7(s, key)
                let w = (rows: shape.0, cols: shape.1)
                for p in results {
                    let expectation = p.directionsFrom == .random
                        ? WeightProjection.randomProjectionScale(rank: r, weightNorm: p.weightNorm, rows: w.rows, cols: w.cols) : nil
                    rows.append(ProjectionRow(layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                              directionsFrom: p.directionsFrom, projectionNorm: csvRounded(p.projectionNorm),
                                              weightNorm: csvRounded(p.weightNorm), deltaNorm: csvRoundedOptional(p.deltaNorm),
                                              amplification: csvRoundedOptional(p.amplification), randomExpectation: csvRoundedOptional(expectation),
                                              targets: s.targets, dataSeed: s.dataSeed, run: s.id))
                }
            }
        }
        return rows
    }

    // MARK: App. H.3 / Fig 8

    /// φ(top-i of W, top-j of ΔW), i ≤ min(maxI, ·), j ≤ min(maxJ, r); then per (layer, matrix) a random panel:
    /// top-j right singular vectors of Table 7's random Gaussian matrix of W's shape, j ≤ the largest rank met.
    func overlapRows(_ subjects: [AnalysisSubject]) throws -> [OverlapRow] {
        var rows: [OverlapRow] = []
        var largestRank: [AdapterKey: Int] = [:]
        for s in subjects {
            for key in s.keys {
                let (w, wBasis) = try weight(key)
                let delta = try wrap(s, key) { try s.factors[key]!.delta() }
                let ni = Swift.min(options.maxI, wBasis.count), nj = Swift.min(options.maxJ, delta.count)
                guard ni >= 1, nj >= 1 else { continue }
                largestRank[key] = Swift.max(largestRank[key] ?? 0, nj)
                let grid = DirectionOverlap.grid(w: wBasis, delta: delta, maxI: ni, maxJ: nj)
                for i in 1...ni {
                    for j in 1...nj {
                        rows.append(OverlapRow(layer: key.layer, matrix: key.target.rawValue, run: s.id, rank: s.rank, seed: s.initSeed,
                                               i: i, j: j, phi: csvRounded(grid[i - 1][j - 1]),
                                               expectedRandom: expectedRandom(i, j, ambient: w.cols),
                                               targets: s.targets, dataSeed: s.dataSeed))
                    }
                }
            }
        }
        for key in largestRank.keys.sorted() {
            let (w, wBasis) = try weight(key)
            let random = try randomBasis(rows: w.rows, cols: w.cols)
            let ni = Swift.min(options.maxI, wBasis.count), nj = Swift.min(largestRank[key]!, random.count)
            let grid = DirectionOverlap.grid(w: wBasis, delta: random, maxI: ni, maxJ: nj)
            for i in 1...ni {
                for j in 1...nj {
                    rows.append(OverlapRow(layer: key.layer, matrix: key.target.rawValue, run: OverlapRow.randomRun, rank: nj, seed: nil,
                                           i: i, j: j, phi: csvRounded(grid[i - 1][j - 1]),
                                           expectedRandom: expectedRandom(i, j, ambient: w.cols), targets: "", dataSeed: nil))
                }
            }
        }
        return rows
    }

    // MARK: Spectra

    func spectrumRows(_ subjects: [AnalysisSubject]) throws -> [SpectrumRow] {
        var rows: [SpectrumRow] = []
        for s in subjects {
            for key in s.keys {
                let delta = try wrap(s, key) { try s.factors[key]!.delta() }
                let spectrum = Spectrum(singularValues: delta.values)
                let energy = spectrum.cumulativeEnergy
                for (n, value) in spectrum.singularValues.enumerated() {
                    rows.append(SpectrumRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, index: n + 1,
                                            singularValue: csvRounded(value), stableRank: csvRounded(spectrum.stableRank),
                                            energyRank90: spectrum.energyRank90, cumulativeEnergy: csvRounded(energy[n]),
                                            targets: s.targets, rank: s.rank, seed: s.initSeed, dataSeed: s.dataSeed))
                }
            }
        }
        return rows
    }

    // MARK: Planted recovery

    func plantedRows(_ subjects: [AnalysisSubject], planted: AnalysisSubject) throws -> [PlantedRow] {
        var rows: [PlantedRow] = []
        for s in subjects {
            for key in s.keys {
                guard let p = planted.factors[key] else { continue }
                let learned = try wrap(s, key) { try s.factors[key]!.delta() }
                let truth = try wrap(planted, key) { try p.delta() }
                let maxK = Swift.min(learned.count, truth.count)
                guard maxK >= 1, learned.right.rows == truth.right.rows else { continue }
                let curve = PlantedRecovery.recoveryCurve(learnedRight: learned.right, plantedRight: truth.right, maxK: maxK)
                let ambient = learned.right.rows
                for (n, value) in curve.enumerated() {
                    rows.append(PlantedRow(run: s.id, layer: key.layer, matrix: key.target.rawValue, rank: s.rank, seed: s.initSeed,
                                           k: n + 1, recovery: csvRounded(value),
                                           expectedRandom: csvRounded(Double(n + 1) / Double(ambient)), targets: s.targets,
                                           plantedRank: planted.rank, dataSeed: s.dataSeed))
                }
            }
        }
        return rows
    }
}

/// Orderings shared by the engine, the tables and the figures.
enum ReportOrder {
    /// Target sets by size, then by matrix order q, k, v, o, ffn_up, ffn_down: q, k, v, o, q+k, q+v, …, q+k+v+o.
    static func targetSetLess(_ a: String, _ b: String) -> Bool {
        let ka = key(a), kb = key(b)
        if ka.count != kb.count { return ka.count < kb.count }
        if ka != kb { return ka.lexicographicallyPrecedes(kb) }
        return a < b
    }

    private static func key(_ label: String) -> [Int] {
        label.split(separator: "+").map { part in
            LoRATarget(rawValue: String(part)).flatMap { LoRATarget.allCases.firstIndex(of: $0) } ?? LoRATarget.allCases.count
        }
    }

    /// Matrices in LoRATarget order (q, k, v, o, …), unknown names last.
    static func matrixLess(_ a: String, _ b: String) -> Bool {
        let ia = LoRATarget(rawValue: a).flatMap { LoRATarget.allCases.firstIndex(of: $0) } ?? Int.max
        let ib = LoRATarget(rawValue: b).flatMap { LoRATarget.allCases.firstIndex(of: $0) } ?? Int.max
        return ia != ib ? ia < ib : a < b
    }

    static func subjectLess(_ a: AnalysisSubject, _ b: AnalysisSubject) -> Bool {
        if a.targets != b.targets { return targetSetLess(a.targets, b.targets) }
        if a.rank != b.rank { return a.rank < b.rank }
        if a.seedKey != b.seedKey { return a.seedKey < b.seedKey }
        return a.id < b.id
    }

    /// Subjects grouped by target set, groups in `targetSetLess` order, members in `subjectLess` order.
    static func groupedByTargets(_ subjects: [AnalysisSubject]) -> [[AnalysisSubject]] {
        let groups = Dictionary(grouping: subjects, by: \.targets)
        return groups.keys.sorted(by: targetSetLess).map { groups[$0]!.sorted(by: subjectLess) }
    }

    /// The middle layer of a set of layers: the sorted distinct layers' element at index count/2
    /// (layer 3 of 0…5, as the paper's layer 48 of 96).
    static func middleLayer<S: Sequence>(_ layers: S) -> Int? where S.Element == Int {
        let sorted = Array(Set(layers)).sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
}
