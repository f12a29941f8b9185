import Analysis
import ExperimentSpec
import Foundation
import LinearAlgebra
import LoRA
import Model
import SafeTensors

/// (layer, matrix) of one LoRA adapter, the matrix of any family (`AdapterSite`), ordered by layer then the family's
/// canonical matrix order.
struct AdapterKey: Hashable, Comparable, Sendable {
    var layer: Int
    var target: any AdapterSite

    init(layer: Int, site: any AdapterSite) { self.layer = layer; self.target = site }
    /// A BERT matrix's key (`.q`, `.v`, … read as `LoRATarget`).
    init(layer: Int, target: LoRATarget) { self.init(layer: layer, site: target) }

    private var order: Int { ModuleNaming.matrixOrder(target.rawValue) }
    static func == (a: AdapterKey, b: AdapterKey) -> Bool {
        a.layer == b.layer && a.target.rawValue == b.target.rawValue && a.target.naming.family == b.target.naming.family
    }
    func hash(into h: inout Hasher) { h.combine(layer); h.combine(target.rawValue) }
    static func < (a: AdapterKey, b: AdapterKey) -> Bool { (a.layer, a.order, a.target.rawValue) < (b.layer, b.order, b.target.rawValue) }
}

/// The factors of one adapter in Float64, with their SVDs computed on first use and kept.
final class AdapterFactors {
    /// A (r × in), B (out × r) as stored; ΔW = scaling·B·A.
    let a: Matrix<Double>
    let b: Matrix<Double>
    let scaling: Double
    /// The LoRA settings the adapter file records (rank, α, initialisation scheme and std), for regenerating A₀.
    let parameters: LoRAParameters?
    private var aRightCache: Matrix<Double>?
    private var deltaCache: SingularBasis?
    private var learnedRightCache: Matrix<Double>?

    init(a: Matrix<Double>, b: Matrix<Double>, scaling: Double, parameters: LoRAParameters? = nil) {
        self.a = a
        self.b = b
        self.scaling = scaling
        self.parameters = parameters
    }

    /// RIGHT singular vectors of A as columns (in × min(r, in)): the directions φ compares (Sec 7.2).
    func aRight() throws -> Matrix<Double> {
        if let c = aRightCache { return c }
        let v = try SubspaceSimilarity.rightSingularBasis(of: a)
        aRightCache = v
        return v
    }

    /// RIGHT singular vectors of A − A₀ (what training added to A) as columns, given A₀.
    func learnedRight(initial a0: Matrix<Double>) throws -> Matrix<Double> {
        if let c = learnedRightCache { return c }
        let v = try SubspaceSimilarity.rightSingularBasis(of: a - a0)
        learnedRightCache = v
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

    /// Reads a PEFT adapter directory of `naming`'s family (float32 factors, converted to Float64). `dimensions` gives
    /// (in, out) per (layer, matrix), asked only for those the directory adapts; `layerCount` is how many layers the directory may name (tensors beyond it are an error).
    static func load(directory: URL, id: String, label: String, targets: String?, rank: Int?, initSeed: UInt64?, dataSeed: UInt64?,
                     expectedScaling: Double?, dimensions: SiteDimensions,
                     layerCount: Int, naming: ModuleNaming = .bert) throws -> AnalysisSubject {
        let contents = try PEFTAdapterFile.load(directory, naming: naming, dimensions: dimensions, layers: layerCount)
        let (config, adapters) = (contents.config, contents.adapters)
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
        let used = Set(adapters.map(\.site.rawValue))
        let found = naming.sites.filter { used.contains($0.rawValue) }
        let foundLabel = found.map(\.rawValue).joined(separator: "+")
        if let t = targets, t != foundLabel {
            throw ReportError.invalidInput(file: configFile, reason: "the adapter holds targets \(foundLabel) but the run record says \(t)")
        }
        var factors: [AdapterKey: AdapterFactors] = [:]
        for ad in adapters {
            factors[AdapterKey(layer: ad.layer, site: ad.site)] =
                AdapterFactors(a: ad.a.value.converted(to: Double.self), b: ad.b.value.converted(to: Double.self), scaling: scaling,
                               parameters: ad.parameters)
        }
        return AnalysisSubject(id: id, label: label, targets: targets ?? foundLabel, rank: config.r,
                               initSeed: initSeed ?? config.harness?.initSeed, dataSeed: dataSeed ?? config.harness?.dataSeed,
                               file: directory.appendingPathComponent(PEFTAdapterFile.weightsName).path, factors: factors)
    }

    /// Number of layers an adapter directory names (largest L of a family's `<layers path>.L`, `ModuleNaming`, + 1), from
    /// its safetensors header; a layer index that is not a number below `BertConfig.sizeLimits`' layer bound is an
    /// `AdapterFileError.unexpectedTensor`.
    static func layerCount(ofAdapter directory: URL) throws -> Int {
        let url = directory.appendingPathComponent(PEFTAdapterFile.weightsName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw AdapterFileError.missingFile(path: url.path) }
        let file = try SafeTensorsFile(contentsOf: url)
        var maxLayer = -1
        for t in file.tensors {
            guard let l = ModuleNaming.all.lazy.compactMap({ $0.layerIndex(in: t.name) }).first else { continue }
            guard l >= 0, l < BertConfig.sizeLimit("num_hidden_layers")! else {   // bounded before `+ 1`
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

extension AnalysisSubject {
    /// The adapters of finished runs, checked against their run records (rank, scaling, targets, layers; no two runs of
    /// one target set may share a rank-and-seed label), in `ReportOrder.subjectLess` order. Head-only runs have no
    /// adapters and are left out, so every analysis of adapters skips them.
    static func load(runs: [RunRecord], engine: AnalysisEngine) throws -> [AnalysisSubject] {
        let finished = runs.filter { !$0.isHeadOnly }
        guard !finished.isEmpty else { return [] }
        let dims = engine.dimensions(layer: finished.flatMap(\.layers).min() ?? 0)
        var labels = Set<String>()
        var subjects: [AnalysisSubject] = []
        for run in finished {
            let subject = try load(directory: run.adapterDirectory, id: run.id, label: run.rankSeedLabel, targets: run.targetLabel,
                                   rank: run.rank, initSeed: run.initSeed, dataSeed: run.dataSeed, expectedScaling: run.scaling,
                                   dimensions: dims, layerCount: (run.layers.max() ?? 0) + 1, naming: engine.naming)
            let layers = Set(subject.factors.keys.map(\.layer))
            if layers != Set(run.layers) {
                throw ReportError.invalidInput(file: run.adapterDirectory.appendingPathComponent(PEFTAdapterFile.weightsName).path,
                                               reason: "adapts layers \(layers.sorted()) but the run record says \(run.layers.sorted())")
            }
            guard labels.insert(run.targetLabel + "/" + run.rankSeedLabel).inserted else {
                throw ReportError.invalidInput(file: run.directory.path, reason: "two runs of targets \(run.targetLabel) share the label "
                                               + "\(run.rankSeedLabel) (same rank and seeds)")
            }
            subjects.append(subject)
        }
        return subjects.sorted(by: ReportOrder.subjectLess)
    }
}

extension AnalysisSubject {
    /// A₀, the A this adapter started from, regenerated exactly as training drew it: `LoRAAdapter(…, initSeed:)` draws A
    /// from `SeededGenerator(seed: initSeed, stream: "lora/<layer>/<target>/r<rank>")` with the scheme and std the adapter
    /// file records (`init_lora_weights`, `lora_harness.gaussian_std`). nil without a recorded init seed.
    func initialA(_ key: AdapterKey) -> Matrix<Double>? {
        guard let seed = initSeed, let f = factors[key], let p = f.parameters else { return nil }
        return LoRAAdapter(site: key.target, layer: key.layer, inFeatures: f.a.cols, outFeatures: f.b.rows, parameters: p,
                           initSeed: seed).a.value.converted(to: Double.self)
    }
}

extension AnalysisSubject {
    /// The input-space directions φ compares at (layer, matrix), as columns ordered by singular value: the right
    /// singular vectors of A (Sec 7.2's definition), of A − A₀ (nil without a recorded init seed), or of ΔW.
    func rightBasis(_ basis: SimilarityBasis, _ key: AdapterKey) throws -> Matrix<Double>? {
        guard let f = factors[key] else { return nil }
        switch basis {
        case .a: return try f.aRight()
        case .learned: return try initialA(key).map { try f.learnedRight(initial: $0) }
        case .deltaW: return try f.delta().right
        case .dataMetric: return nil     // needs the inputs' covariance: `AnalysisEngine.dataMetricRight`
        }
    }
}
