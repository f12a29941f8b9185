import Analysis
import ExperimentSpec
import Foundation

/// Report sections of Table 7 (Sec 7.3), App. H.3, the spectra and the planted recovery.
extension ReportMarkdown {
    static func table7(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.projection, !rows.isEmpty, let middle = ReportOrder.middleLayer(rows.map(\.layer)) else { return nil }
        let at = rows.filter { $0.layer == middle }
        struct Group: Hashable { var targets: String, matrix: String, rank: Int }
        let groups = Array(Set(at.map { Group(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Setting", "r", "ΔW directions", "its quantile among random", "W directions",
                                           "random directions [95 % band]", "random expectation", "‖W‖_F", "‖ΔW‖_F", "amplification",
                                           "random amplification", "ratio R [95 % band]"],
                                  alignments: [.left] + Array(repeating: .right, count: 11))
        for g in groups {
            let rs = at.filter { $0.targets == g.targets && $0.matrix == g.matrix && $0.rank == g.rank }
            table.append(table7Row(rs, label: "ours: W_\(g.matrix), layer \(middle) (\(g.targets))", rank: g.rank))
        }
        for r in [4, 64] { table.append(table7PaperRow(rank: r)) }
        var out = "‖UᵀWV‖_F at the middle layer (\(middle)) with U, V the top-r singular vectors of ΔW, of W, or Haar-random "
            + "(the Monte-Carlo null: \(env.analyses.nullDraws) draws per layer, matrix and r; mean and central 95 % band); random "
            + "expectation r·‖W‖_F/√(out·in). amplification = ‖ΔW‖_F / ‖UᵀWV‖_F with U, V from ΔW; random amplification = "
            + "‖ΔW‖_F / (the null's mean); R = amplification / random amplification = null mean / ΔW's value, with the band of "
            + "the null. R > 1: ΔW's directions hold less of W than random directions do. Mean ± std over seeds where there are "
            + "several (quantiles per seed). All layers are in `\(ReportFiles.projection)`.\n\n"
        out += table.rendered()
        return out + table7PerLayer(rows, middle: middle)
    }

    /// One row of our Table 7 (one target set, matrix and rank at the middle layer, over seeds).
    static func table7Row(_ rs: [ProjectionRow], label: String, rank: Int) -> [String] {
        func values(_ s: DirectionSource, _ f: (ProjectionRow) -> Double?) -> SeedSummary {
            SeedSummary(rs.filter { $0.directionsFrom == s }.compactMap(f).filter(\.isFinite))
        }
        let delta = rs.filter { $0.directionsFrom == .deltaW }
        let random = rs.first { $0.directionsFrom == .random }?.null
        let first = delta.first?.null
        let ratioBand = first.flatMap { n in n.ratioLower.flatMap { lo in n.ratioUpper.map { " [\(g3(lo)), \(g3($0))]" } } } ?? ""
        return [label, String(rank), normCell(values(.deltaW, { $0.projectionNorm })),
                delta.compactMap { $0.null?.quantile.map(f2) }.joined(separator: ", "),
                normCell(values(.w, { $0.projectionNorm })),
                random.map { "\(g3($0.mean)) [\(g3($0.lower)), \(g3($0.upper))]" } ?? dash,
                normCell(values(.random, { $0.randomExpectation })), normCell(values(.w, { $0.weightNorm })),
                normCell(values(.deltaW, { $0.deltaNorm })), normCell(values(.deltaW, { $0.amplification })),
                normCell(values(.deltaW, { $0.null?.randomAmplification })),
                normCell(values(.deltaW, { $0.null?.ratio })) + (delta.count == 1 ? ratioBand : "")]
    }

    /// The paper's Table 7 row at rank r (its random amplification and ratio computed from its printed values).
    static func table7PaperRow(rank r: Int) -> [String] {
        let p = PaperReference.table7.filter { $0.rank == r }
        func v(_ s: DirectionSource) -> PaperReference.Table7Row { p.first { $0.directionsFrom == s }! }
        let randomAmplification = v(.deltaW).deltaNorm! / v(.random).projectionNorm
        return ["paper: W_q, layer 48 of 96 (\(PaperReference.model))", String(r), f2(v(.deltaW).projectionNorm), dash,
                f2(v(.w).projectionNorm), f2(v(.random).projectionNorm),
                f2(WeightProjection.randomProjectionScale(rank: r, weightNorm: v(.w).weightNorm, rows: 12288, cols: 12288)),
                f2(v(.w).weightNorm), v(.deltaW).deltaNorm.map(f2) ?? dash, v(.deltaW).amplification.map(g3) ?? dash,
                g3(randomAmplification), f3(v(.deltaW).amplification! / randomAmplification)]
    }

    /// Amplification and ratio R per layer for the focus target set (means over seeds).
    static func table7PerLayer(_ rows: [ProjectionRow], middle: Int) -> String {
        guard let targets = ReportSelection.primaryRankTargets(rows.map { ($0.targets, $0.rank, $0.run) }) else { return "" }
        let of = rows.filter { $0.targets == targets && $0.directionsFrom == .deltaW }
        let layers = Array(Set(rows.map(\.layer))).sorted()
        let matrices = Array(Set(of.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let ranks = Array(Set(of.map(\.rank))).sorted()
        let columns = matrices.flatMap { m in ranks.map { (m, $0) } }
        func table(_ f: (ProjectionRow) -> Double?) -> String {
            var t = MarkdownTable(header: ["Layer"] + columns.map { "\($0.0), r = \($0.1)" }, alignments: [.left] + columns.map { _ in .right })
            for l in layers {
                t.append([l == middle ? "\(l) (middle)" : String(l)] + columns.map { c in
                    let v = of.filter { $0.layer == l && $0.matrix == c.0 && $0.rank == c.1 }.compactMap(f).filter(\.isFinite)
                    return v.isEmpty ? dash : g3(v.reduce(0, +) / Double(v.count))
                })
            }
            return t.rendered()
        }
        return "\nAmplification factor per layer (\(targets), mean over seeds):\n\n" + table { $0.amplification }
            + "\nRatio R = amplification / random-direction amplification per layer (\(targets), mean over seeds):\n\n"
            + table { $0.null?.ratio }
    }

    static func overlap(_ env: SectionEnvironment) -> String? {
        let panels = env.overlapPanels
        guard let focus = Claims.overlapFocus(panels) else { return nil }
        let learned = panels.filter { $0.targets == focus.targets }
        let matrices = Array(Set(learned.map(\.matrix))).sorted(by: ReportOrder.matrixLess)
        let layers = Array(Set(learned.map(\.layer))).sorted()
        var out = "φ(top-i right singular vectors of W, top-j of ΔW) for \(focus.targets), i ≤ \(learned.map(\.maxI).max() ?? 0), "
            + "j ≤ r. Overlap = φ(i*, i*) with i* = min(i_max, r) (do ΔW's top directions lie in W's?); coverage = φ(i_max, r) (how "
            + "much of W's top-i_max subspace ΔW picks up). Random: the Monte-Carlo null of φ between W's top directions and "
            + "random subspaces (\(env.analyses.nullDraws) draws per layer, matrix and r; mean and central 95 % band; E = max(i, j)/in), "
            + "and the quantile of our coverage among its draws. Middle layer \(focus.layer); all layers in `\(ReportFiles.overlap)`.\n\n"
        for m in matrices {
            if let f = figure(ReportFigures.fig8Name(matrix: m), alt: "App. H.3, W_\(m) vs ΔW_\(m), layer \(focus.layer)", env) { out += f }
        }
        var table = MarkdownTable(header: ["Matrix", "r", "overlap (middle layer)", "overlap, random [95 % band]", "coverage (middle layer)",
                                           "coverage, random [95 % band]", "coverage quantile", "overlap, mean over layers",
                                           "coverage, mean over layers"],
                                  alignments: [.left] + Array(repeating: .right, count: 8))
        for m in matrices {
            let ofM = learned.filter { $0.matrix == m }
            for r in Array(Set(ofM.map(\.rank))).sorted() {
                let ofR = ofM.filter { $0.rank == r }
                let mid = ofR.filter { $0.layer == focus.layer }
                guard let sample = mid.first ?? ofR.first else { continue }
                func cell(_ n: CellNull?) -> String { n.map { "\(f3($0.mean)) [\(f3($0.lower)), \(f3($0.upper))]" } ?? dash }
                table.append([m, String(r), phiCell(SeedSummary(mid.compactMap(\.overlap))), cell(sample.overlapNull),
                              phiCell(SeedSummary(mid.compactMap(\.coverage))), cell(sample.coverageNull),
                              mid.compactMap { $0.coverageNull.map { f2($0.quantile) } }.joined(separator: ", "),
                              f3(SeedSummary(ofR.compactMap(\.overlap)).mean), f3(SeedSummary(ofR.compactMap(\.coverage)).mean)])
            }
        }
        out += "\n" + table.rendered()
        if layers.count > 1 { out += "\nLayers: \(layers.map(String.init).joined(separator: ", ")).\n" }
        return out
    }

    // MARK: spectra

    static func spectra(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.spectra, !rows.isEmpty else { return nil }
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        struct PerMatrix { var stable: Double, energy: Int, top: Double }
        var perMatrix: [Key: [PerMatrix]] = [:]
        for r in rows where r.index == 1 {
            perMatrix[Key(targets: r.targets, matrix: r.matrix, rank: r.rank), default: []]
                .append(PerMatrix(stable: r.stableRank, energy: r.energyRank90, top: r.cumulativeEnergy))
        }
        let keys = perMatrix.keys.sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r", "stable rank", "energy rank (90 %)", "s₁² share of ‖ΔW‖²_F", "n"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .right])
        for k in keys {
            let v = perMatrix[k]!
            table.append([k.targets, k.matrix, String(k.rank), SeedSummary(v.map(\.stable)).formatted(digits: 2),
                          SeedSummary(v.map { Double($0.energy) }).formatted(digits: 1),
                          SeedSummary(v.map(\.top)).formatted(digits: 3), String(v.count)])
        }
        return "Singular values of ΔW = scaling·B·A per layer and matrix (`\(ReportFiles.spectra)`). Stable rank = ‖ΔW‖²_F/‖ΔW‖²₂ ∈ [1, r]; "
            + "energy rank = the smallest n whose top-n singular values hold 90 % of ‖ΔW‖²_F. Mean ± std over layers and seeds "
            + "(n = matrices).\n\n" + table.rendered()
    }

    // MARK: planted

    static func planted(_ env: SectionEnvironment) -> String? {
        guard let rows = env.data.planted, !rows.isEmpty else { return nil }
        let plantedRank = rows.map(\.plantedRank).max()!
        let ks = Array(1...Swift.min(Swift.max(plantedRank, 1), 8))
        struct Key: Hashable { var targets: String, matrix: String, rank: Int }
        let keys = Array(Set(rows.map { Key(targets: $0.targets, matrix: $0.matrix, rank: $0.rank) })).sorted { a, b in
            if a.targets != b.targets { return ReportOrder.targetSetLess(a.targets, b.targets) }
            if a.matrix != b.matrix { return ReportOrder.matrixLess(a.matrix, b.matrix) }
            return a.rank < b.rank
        }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r"] + ks.map { "recovery(\($0))" } + ["n"],
                                  alignments: [.left, .left, .right] + ks.map { _ in .right } + [.right])
        for key in keys {
            let of = rows.filter { $0.targets == key.targets && $0.matrix == key.matrix && $0.rank == key.rank }
            let n = Set(of.map { "\($0.run)/\($0.layer)" }).count
            table.append([key.targets, key.matrix, String(key.rank)]
                         + ks.map { k in phiCell(SeedSummary(of.filter { $0.k == k }.map(\.recovery))) } + [String(n)])
        }
        let ambient = rows.first.map { $0.expectedRandom > 0 ? Int((Double($0.k) / $0.expectedRandom).rounded()) : 0 } ?? 0
        var out = "recovery(k) = φ(top-k of the learned ΔW, top-k of the planted ΔW*, k, k) on right singular vectors; planted rank "
            + "\(plantedRank); 1 = the top-k subspaces coincide"
        if ambient > 0 { out += ", random expectation k/\(ambient)" }
        out += ". Mean ± std over layers and seeds (n).\n\n" + table.rendered()
        if let data = plantedDataMetric(rows, keys: keys.map { ($0.targets, $0.matrix, $0.rank) }, ks: ks) { out += "\n" + data }
        if let f = figure(ReportFigures.plantedName, alt: "planted-rank recovery", env) { out += "\n" + f }
        return out
    }

    /// The same recovery in the data metric (`PlantedRecovery.dataMetric`) beside its Monte-Carlo null, when the rows
    /// have it.
    static func plantedDataMetric(_ rows: [PlantedRow], keys: [(String, String, Int)], ks: [Int]) -> String? {
        guard rows.contains(where: { $0.recoveryData != nil }) else { return nil }
        var table = MarkdownTable(header: ["Targets", "Matrix", "r"] + ks.map { "recovery(\($0)), data metric" } + ks.map { "null(\($0)) 97.5 %" },
                                  alignments: [.left, .left, .right] + Array(repeating: .right, count: 2 * ks.count))
        for (targets, matrix, rank) in keys {
            let of = rows.filter { $0.targets == targets && $0.matrix == matrix && $0.rank == rank && $0.recoveryData != nil }
            guard !of.isEmpty else { continue }
            table.append([targets, matrix, String(rank)]
                         + ks.map { k in phiCell(SeedSummary(of.filter { $0.k == k }.compactMap(\.recoveryData))) }
                         + ks.map { k in phiCell(SeedSummary(of.filter { $0.k == k }.compactMap(\.nullUpper))) })
        }
        return "In the data metric: φ between the top-k right singular vectors of ΔW·C^{1/2} and ΔW*·C^{1/2}, C the centred "
            + "covariance of the inputs the matrix acts on (for W_v: mixed by each head's attention) on the base model over the "
            + "task's training texts (`planted-adapter/input_covariance.safetensors`). Two updates that differ only along "
            + "directions the inputs do not excite give the same outputs, so this is what the outputs identify; random "
            + "directions score higher here than k/in, so the null (random rank-r updates in the same metric, "
            + "one per layer, matrix and rank) is its 97.5 % quantile, mean ± std over the same rows (the null does not depend on the seed).\n\n" + table.rendered()
    }
}
