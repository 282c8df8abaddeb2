//! Explanations: why a rule fired for a binding, or why it did not.
