import LoRA

/// A rank search: the procedure for choosing r that the LoRA paper's rank results suggest (Hu et al., arXiv:2106.09685
/// v2, Sec 7.2 and its Table 6: LoRA is already competitive at a very small r, so start low and raise r only while the
/// validation metric still improves; Sec 7.1 and Table 5: at a small rank, adapting more weight matrices can beat
/// adapting one at a larger rank — the attention matrices Wq, Wk, Wv, Wo of Sec 4.2), run as ordinary cached runs of the
/// spec's results folder and decided by a fixed rule from their results (`RankSearch.path`).
///
/// JSON (`"rankSearch"` at the top level of a spec; required keys marked *):
/// ```
/// {"targets"*: ["q", "v"], "ranks"*: [1, 2, 4, 8, 16, 64], "minGain"*: 0.005, "z": 1,
///  "thenTargets": [["q"], ["v"], ["q", "k", "v", "o"]]}
/// ```
/// - `targets`: the target set whose rank is searched.
/// - `ranks`: two or more ranks, strictly increasing: the order they are tried in.
/// - `minGain`: the smallest gain in validation accuracy (a fraction in [0, 1): 0.005 is half a point) that pays for a
///   candidate with more trainable parameters.
/// - `z` (default 1, ≥ 0): how many standard errors of the gain must lie beyond `minGain`.
/// - `thenTargets` (default `[]`): target sets tried at the chosen rank, in this order; each differs from `targets` and
///   from the others.
///
/// The rule (`RankSearch.compare`): of two candidates, the one with more trainable LoRA parameters (at equal cost, the
/// challenger) is preferred only when gain − z·SE > minGain, with gain its mean validation accuracy minus the other's and
/// SE the standard error of that difference (`RankSearch.differenceError`); otherwise the cheaper one (at equal cost, the
/// incumbent) is. Ranks are tried in order and the search stops at the first rank that is not preferred to the one
/// before it; then each `thenTargets` set at the chosen rank challenges the incumbent in turn.
///
/// Every candidate trains once for each pair of `seeds.data × seeds.init` (`seeds.extra` belongs to `adapters`). A spec
/// with a rank search may leave out `adapters`; when it gives them too, that grid trains first. Needs a classification
/// task: the rule compares validation accuracies.
public struct RankSearchSpec: SpecSection {
    public var targets: [LoRATarget]
    public var ranks: [Int]
    public var minGain: Double
    public var z: Double
    public var thenTargets: [[LoRATarget]]

    public init(targets: [LoRATarget], ranks: [Int], minGain: Double, z: Double = 1, thenTargets: [[LoRATarget]] = []) {
        self.targets = Array(Set(targets)).sorted()
        self.ranks = ranks
        self.minGain = minGain
        self.z = z
        self.thenTargets = thenTargets.map { Array(Set($0)).sorted() }
    }

    /// The target sets in the order the search uses them: `targets`, then `thenTargets`.
    public var targetSets: [[LoRATarget]] { [targets] + thenTargets }
}
