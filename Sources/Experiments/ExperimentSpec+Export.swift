/// Specs and run plans live in `ExperimentSpec`; running and reporting build on them, so importing `Experiments` brings
/// them along (the command line and tests see one API).
@_exported import ExperimentSpec
