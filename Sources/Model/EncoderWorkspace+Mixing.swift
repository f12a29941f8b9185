import LinearAlgebra

extension EncoderWorkspace {
    /// Adds, for every head h, the second moment of layer l's inputs as head h's value path sees them to `g` and their
    /// column sums to `sums`: with M_h = P_h·X per sequence (P_h the head's attention probabilities, (sᵦ × sᵦ), X the
    /// sequence's layer inputs, (sᵦ × d)), g += Σ_h M_hᵀ M_h and sums += Σ_h Σ_rows M_h. Returns the rows added (N·H).
    ///
    /// Why: head h's output at token i is Σ_j P_h[i, j]·W_v,h·x_j = W_v,h·(P_h X)_i, so an update of W_v reaches the
    /// outputs only through the rows of P_h X; directions along which those vary are what a student of W_v can learn
    /// (the planted-rank task draws its planted directions of v there). From the last forward pass of a training
    /// workspace (an inference workspace keeps one layer's activations only).
    public func accumulateAttentionMixedMoments(layer l: Int, into g: MutableMatrixView<Float>, sums: inout [Double]) -> Int {
        precondition(!forInference && l >= 0 && l < config.layers, "attention probabilities are kept by training workspaces only")
        let d = config.hiddenSize, n = rows
        precondition(g.rows == d && g.cols == d && sums.count == d, "g must be (d, d) and sums d long")
        let mixed = FloatBuffer(capacity: n * d)                                  // (N, d) M_h for one head
        for h in 0..<shape.heads {
            attentionMixedInputs(layer: l, head: h, into: mixed.view(n, d))
            let m = mixed.view(n, d).readOnly
            gemm(m, transposeA: true, m, into: g, beta: 1)                       // g += MᵀM
            for r in 0..<n { for c in 0..<d { sums[c] += Double(m[r, c]) } }
        }
        return n * shape.heads
    }

    /// M_h = P_h·X, sequence by sequence, into `out` (N, d): layer l's inputs mixed by head h's attention.
    func attentionMixedInputs(layer l: Int, head h: Int, into out: MutableMatrixView<Float>) {
        let d = config.hiddenSize
        let x = layerInput(l)                                                    // (N, d)
        let probs = activations(l).probs                                         // (P) one (sᵦ × sᵦ) block per (b, h)
        for b in 0..<shape.batch {
            let block = shape.block(b * shape.heads + h)
            guard block.span > 0 else { continue }
            let p = MatrixView(UnsafePointer(probs.p + block.prob), rows: block.span, cols: block.span)
            let xb = MatrixView(x.base + block.row * x.ld, rows: block.span, cols: d, ld: x.ld)
            let mb = MutableMatrixView(out.base + block.row * out.ld, rows: block.span, cols: d, ld: out.ld)
            gemm(p, xb, into: mb)                                                // M_b = P_bh·X_b
        }
    }
}
