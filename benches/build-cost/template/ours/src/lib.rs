//! The client that `ipidea::generate!` makes from `spec.json` (a copy of the project's spec).
#![allow(missing_docs)]

ipidea::generate!("spec.json");
