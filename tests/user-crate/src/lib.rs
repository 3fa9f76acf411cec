//! A user's crate that extends the IPIDEA API by a spec edit alone: `ipidea-plus-notes.json`
//! says `"extends": "ipidea"` and adds one endpoint of this crate's own (`ip_note_add`) to the
//! bundled spec, and `ipidea::generate!` turns the whole into a client with no hand-written
//! code.
#![deny(missing_docs)]

ipidea::generate!("ipidea-plus-notes.json");
