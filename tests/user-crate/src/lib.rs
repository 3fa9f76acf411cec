//! A user's crate that extends the IPIDEA API by a spec edit alone: `ipidea-plus-notes.json`
//! is the vendor's orders plus one endpoint of this crate's own (`ip_note_add`), and
//! `ipidea::generate!` turns it into a client with no hand-written code.
#![deny(missing_docs)]

ipidea::generate!("ipidea-plus-notes.json");
