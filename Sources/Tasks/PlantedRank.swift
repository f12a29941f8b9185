import Foundation
import LinearAlgebra
import LoRA
import Model
import Tokenization

/// The control task with a known answer: a teacher = base model + a planted update ΔW* = U·diag(s)·Vᵀ of rank k on
/// chosen matrices and layers, and a student = base model + LoRA of rank r trained to reproduce the teacher's final
/// hidden states (mean squared error over real tokens). Because the right answer is k shared directions, it checks the
/// Fig 3 method (φ between learned and planted directions) where the truth is known.
public struct PlantedRankOptions: Codable, Equatable, Sendable {
    public enum Inputs: String, Codable, Sendable { case randomTokens = "random-tokens", wordnet }
    /// Where the planted input directions V (right singular vectors of ΔW*) are drawn:
    /// - `random`: uniformly from the whole input space (a direction the layer's inputs never excite cannot be learned by
    ///   anyone, so recovery of those parts is not identifiable);
    /// - `inputPrincipal`: uniformly within the span of the top `principalDimensions` principal directions (eigenvectors of
    ///   the covariance) of the inputs the target's ΔW acts on, as the outputs see them, on the task's training texts,
    ///   computed on the base model: the layer's inputs for q, k, ffn_up; for v, those inputs mixed by each head's
    ///   attention (P_h·X), since an update of W_v reaches the outputs only through them. The data varies along every
    ///   planted direction, so the truth is identifiable (see `PlantedRankData.inputPrincipalBases`).
    public enum Directions: String, Codable, Sendable { case random, inputPrincipal = "input-principal" }
    public var plantRank: Int
    public var targets: [LoRATarget]
    /// Layers carrying the plant; nil = all.
    public var layers: [Int]?
    /// s_i relative to ‖W‖₂ of the matrix it is planted in (count = plantRank).
    public var singularValues: [Double]
    public var inputs: Inputs
    public var plantSeed: UInt64
    public var maxTokens: Int
    public var trainExamples: Int
    public var validationExamples: Int
    public var directions: Directions
    /// m of `inputPrincipal` (≥ plantRank, ≤ the input width).
    public var principalDimensions: Int

    public init(plantRank: Int = 2, targets: [LoRATarget] = [.q, .v], layers: [Int]? = nil, singularValues: [Double] = [0.5, 0.25],
                inputs: Inputs = .randomTokens, plantSeed: UInt64 = 7, maxTokens: Int = 32, trainExamples: Int = 4096,
                validationExamples: Int = 512, directions: Directions = .random, principalDimensions: Int = 8) {
        self.plantRank = plantRank; self.targets = targets; self.layers = layers; self.singularValues = singularValues
        self.inputs = inputs; self.plantSeed = plantSeed; self.maxTokens = maxTokens; self.trainExamples = trainExamples
        self.validationExamples = validationExamples; self.directions = directions; self.principalDimensions = principalDimensions
    }
}

/// Inputs and teacher targets of the planted-rank task, computed once per task (the teacher forward is shared by all runs).
public struct PlantedRankData {
    /// ΔW* as adapters: B = U·diag(s) (out × k), A = Vᵀ (k × in), scaling 1 (α = r = k), so deltaWeight = ΔW*.
    public let plant: [LoRAAdapter]
    public let train: [TokenizedExample]
    public let validation: [TokenizedExample]
    /// Per example: (T_i × d) teacher final hidden states, row-major.
    public let trainTargets: [[Float]]
    public let validationTargets: [[Float]]
    /// The centred covariance of the inputs each planted target's ΔW acts on (`inputCovariances`), for the targets whose
    /// input is known (q, k, v, ffn_up): what the planted control's data-metric recovery weighs directions by.
    public let inputCovariances: [InputCovariance]

    /// Draws the inputs, the plant and the teacher's outputs. The model is returned without adapters.
    public static func build(model: BertModel, tokenizer: BertTokenizer, options o: PlantedRankOptions,
                             texts: [String]? = nil) throws -> PlantedRankData {
        // Inputs.
        func randomTokens(_ n: Int, stream: String) -> [TokenizedExample] {
            var r = SeededGenerator(seed: o.plantSeed, stream: stream)
            let vocab = tokenizer.vocabularySize
            let low = vocab > 2000 ? 1000 : 5      // skip [unused…] and special tokens
            return (0..<n).map { _ in
                let len = max(3, o.maxTokens / 2 + r.nextInt(below: max(1, o.maxTokens / 2 + 1)))
                let body = (0..<(len - 2)).map { _ in Int32(low + r.nextInt(below: vocab - low)) }
                let ids = [tokenizer.clsId] + body + [tokenizer.sepId]
                return TokenizedExample(ids: ids, typeIds: [Int32](repeating: 0, count: ids.count), label: 0)
            }
        }
        let train: [TokenizedExample], validation: [TokenizedExample]
        switch o.inputs {
        case .randomTokens:
            train = randomTokens(o.trainExamples, stream: "planted-train")
            validation = randomTokens(o.validationExamples, stream: "planted-validation")
        case .wordnet:
            guard let texts, texts.count >= o.trainExamples + o.validationExamples else {
                throw DataError.missingFile(path: "planted-rank inputs: need \(o.trainExamples + o.validationExamples) WordNet definitions")
            }
            let encoded = texts.prefix(o.trainExamples + o.validationExamples).map { t -> TokenizedExample in
                let e = tokenizer.encode(t, maxLength: o.maxTokens)
                return TokenizedExample(ids: e.ids, typeIds: e.typeIds, label: 0)
            }
            train = Array(encoded.prefix(o.trainExamples))
            validation = Array(encoded.suffix(o.validationExamples))
        }
        precondition(o.singularValues.count == o.plantRank, "one singular value per planted direction")
        model.detachAdapters()
        let covariances = try inputCovariances(model: model, examples: train, layers: o.layers, targets: o.targets)
        let principal = o.directions == .inputPrincipal
            ? try inputPrincipalBases(covariances, dimensions: o.principalDimensions, hiddenSize: model.config.hiddenSize, targets: o.targets)
            : [:]
        var rng = SeededGenerator(seed: o.plantSeed, stream: "planted-rank")
        var plant: [LoRAAdapter] = []
        let params = LoRAParameters(rank: o.plantRank, alpha: Double(o.plantRank))   // scaling α/r = 1
        for layer in o.layers ?? Array(0..<model.layers.count) {
            for target in o.targets.sorted() {
                let linear = model.layers[layer].linear(target)
                let (inF, outF) = (linear.inFeatures, linear.outFeatures)
                let spectral = Double(try linear.weight.converted(to: Double.self).singularValues()[0])
                let u = try Matrix<Double>.gaussian(rows: outF, cols: o.plantRank, using: &rng).orthonormalColumns()
                let v: Matrix<Double>
                if let basis = principal[PlantSite(layer: layer, target: target)] {     // V = P·Q: Q a random orthonormal m × k, so V is orthonormal in span(P)
                    let q = try Matrix<Double>.gaussian(rows: basis.cols, cols: o.plantRank, using: &rng).orthonormalColumns()
                    v = basis * q
                } else {
                    v = try Matrix<Double>.gaussian(rows: inF, cols: o.plantRank, using: &rng).orthonormalColumns()
                }
                var b = Matrix<Float>(rows: outF, cols: o.plantRank)
                for i in 0..<outF { for j in 0..<o.plantRank { b[i, j] = Float(u[i, j] * o.singularValues[j] * spectral) } }
                let a = v.transposed.converted(to: Float.self)
                plant.append(LoRAAdapter(target: target, layer: layer, parameters: params, a: a, b: b))
            }
        }
        // Teacher outputs.
        try model.attach(plant)
        defer { model.detachAdapters() }
        let ws = EncoderWorkspace(config: model.config, forInference: true)
        func teacher(_ examples: [TokenizedExample]) throws -> [[Float]] {
            var out: [[Float]] = []
            out.reserveCapacity(examples.count)
            let d = model.config.hiddenSize
            for start in stride(from: 0, to: examples.count, by: 64) {
                let chunk = Array(examples[start..<min(examples.count, start + 64)])
                let (batch, _) = Batching.batch(chunk, padId: tokenizer.padId)
                try withExtendedLifetime(ws) {   // the returned view points into ws
                    let h = try model.forward(batch, workspace: ws)
                    for (b, e) in chunk.enumerated() {
                        let base = h.base + batch.span(b).lowerBound * d
                        out.append(Array(UnsafeBufferPointer(start: base, count: e.ids.count * d)))
                    }
                }
            }
            return out
        }
        let layers = o.layers ?? Array(0..<model.layers.count)
        let inputs = layers.flatMap { l in
            o.targets.sorted().compactMap { t in
                covariances[PlantSite(layer: l, target: t)].map { InputCovariance(layer: l, target: t, covariance: $0) }
            }
        }
        return PlantedRankData(plant: plant, train: train, validation: validation,
                               trainTargets: try teacher(train), validationTargets: try teacher(validation), inputCovariances: inputs)
    }

    /// (N × d) targets for the examples at `indices` of a split, laid out in `batch`'s rows (built from the same examples
    /// in the same order); padding rows are zero.
    public static func batchTargets(_ targets: [[Float]], indices: [Int], batch: Batch, width d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: batch.rows * d)
        for (b, i) in indices.enumerated() {
            let src = targets[i]
            let start = batch.span(b).lowerBound * d
            precondition(src.count <= batch.span(b).count * d, "target \(i) is longer than its sequence")
            for k in 0..<src.count { out[start + k] = src[k] }
        }
        return out
    }
}

/// The centred covariance C (d × d) of the inputs one adapted matrix acts on, as the outputs see them (for v: mixed by
/// each head's attention), on the base model over the planted task's training texts (`PlantedRankData.inputCovariances`).
public struct InputCovariance: Sendable {
    public let layer: Int
    public let target: LoRATarget
    public let covariance: Matrix<Double>
    public init(layer: Int, target: LoRATarget, covariance: Matrix<Double>) {
        self.layer = layer; self.target = target; self.covariance = covariance
    }
}

/// Planted-rank validation metrics over real tokens: mean squared error (per element) and mean cosine similarity
/// between student and teacher final hidden states.
public struct HiddenStateMetrics: Codable, Equatable, Sendable {
    public var mse: Double
    public var cosine: Double
    public var tokens: Int
    public init(mse: Double, cosine: Double, tokens: Int) { self.mse = mse; self.cosine = cosine; self.tokens = tokens }
    public var asDictionary: [String: Double] { ["mse": mse, "cosine": cosine] }
}
