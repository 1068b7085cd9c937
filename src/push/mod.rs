//! Message push (in progress).
