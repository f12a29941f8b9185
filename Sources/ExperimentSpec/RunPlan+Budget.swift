import LoRA

/// The parameter-budget rule of the paper's Table 5 (Sec 7.1): under a fixed number of trainable parameters,
/// adapting more weight types means a smaller rank. Adapting a set of matrices with (in, out) shapes in L layers
/// at rank r trains r · L · Σ (in + out) parameters (A is r × in, B is out × r), so
///
///     r = budget ÷ (L · Σ over adapted matrices of (in + out)),
///
/// which must divide exactly. For GPT-3 (96 layers, d = 12288) the paper's 18M budget (18,874,368) gives r = 8
/// for one type, 4 for two, 2 for four; for MiniLM-L6 (6 layers, d = 384) a budget of 18,432 gives q: r = 4,
/// q+v: r = 2, q+k+v+o: r = 1.
extension RunPlan {
    /// L · Σ (in + out): the trainable LoRA parameters per unit of rank.
    public static func parametersPerRank(targets: [LoRATarget], layerCount: Int, shape: ModelShape) -> Int {
        layerCount * targets.reduce(0) { sum, t in
            let d = shape.dimensions(of: t)
            return sum + d.inFeatures + d.outFeatures
        }
    }

    /// The rank a budget gives, or nil when it is not a positive multiple of `parametersPerRank`.
    public static func rank(forBudget budget: Int, targets: [LoRATarget], layerCount: Int, shape: ModelShape) -> Int? {
        let unit = parametersPerRank(targets: targets, layerCount: layerCount, shape: shape)
        guard unit > 0, budget > 0, budget % unit == 0 else { return nil }
        return budget / unit
    }

    /// "18000 is not a multiple of 4608 (= 6 layers × 1 matrix × (384 + 384)); nearest budgets 13824 (r = 3)
    /// and 18432 (r = 4)".
    public static func budgetMismatchReason(budget: Int, targets: [LoRATarget], layerCount: Int, shape: ModelShape) -> String {
        let unit = parametersPerRank(targets: targets, layerCount: layerCount, shape: shape)
        let dims = targets.map { shape.dimensions(of: $0) }
        let layerText = "\(layerCount) layer\(layerCount == 1 ? "" : "s")"
        let breakdown: String
        if let first = dims.first, dims.allSatisfy({ $0 == first }) {
            breakdown = "\(layerText) × \(dims.count) \(dims.count == 1 ? "matrix" : "matrices") × (\(first.inFeatures) + \(first.outFeatures))"
        } else {
            breakdown = "\(layerText) × (" + dims.map { "(\($0.inFeatures) + \($0.outFeatures))" }.joined(separator: " + ") + ")"
        }
        let below = budget / unit
        let nearest = below == 0
            ? "the smallest budget is \(unit) (r = 1)"
            : "nearest budgets \(below * unit) (r = \(below)) and \((below + 1) * unit) (r = \(below + 1))"
        return "\(budget) is not a multiple of \(unit) (= \(breakdown)); \(nearest)"
    }

    /// The largest rank every adapted matrix allows: min over targets of min(in, out), with the target that binds.
    static func rankBound(targets: [LoRATarget], shape: ModelShape) -> (bound: Int, target: LoRATarget, inFeatures: Int, outFeatures: Int) {
        var best: (Int, LoRATarget, Int, Int)?
        for t in targets {
            let d = shape.dimensions(of: t)
            let m = min(d.inFeatures, d.outFeatures)
            if best == nil || m < best!.0 { best = (m, t, d.inFeatures, d.outFeatures) }
        }
        return best ?? (0, .q, 0, 0)
    }
}
