/// An `AdaptableModel` that predicts the next token (a decoder such as Llama): what the conditional language-modelling
/// objective of the paper (Sec 2, max Σ_t log P(y_t | x, y_<t)) trains, with the loss on target tokens only.
///
/// Why a protocol of its own: the trainer's other objectives read only the final hidden states, but the causal-LM loss
/// needs the family's output projection (tied or not) and computes logits only for the rows that predict a target, so a
/// family provides the loss and its backward pass itself. The trainer programs against this, never against a family.
public protocol CausalLanguageModel: AdaptableModel {
    /// Runs the forward pass of `batch` in `workspace` and returns the mean next-token cross-entropy over the M target
    /// tokens, L = (1/M)·Σ_i [logsumexp(z_i) − z_i[id_{i+1}]] over the rows i whose next token is a target (`targetMask`
    /// ≠ 0 on row i + 1 of the same sequence), and M. With `backward`, accumulates `gradientScale`·dL/d(adapter factors).
    /// - Throws: `ModelError` when the batch does not fit the model or `workspace` is another family's.
    func causalLMLoss(_ batch: Batch, targetMask: [Float], in workspace: any ModelWorkspace, backward: Bool,
                      gradientScale: Double) throws -> (loss: Double, tokens: Int)

    /// M of `causalLMLoss`: the number of target tokens of `batch` that some earlier token of their sequence predicts.
    func predictedTokenCount(_ batch: Batch, targetMask: [Float]) -> Int
}
