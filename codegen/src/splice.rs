//! Moving token streams into `quote!` instead of copying them.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Tokens that `quote!` takes by moving them instead of copying them.
///
/// `quote!` interpolates by reference, so interpolating a `TokenStream` copies it token by
/// token (every identifier is a new allocation) and the original is dropped later; the nested
/// expansion of an endpoint copied most of its tokens two or three times. Each `Splice` gives
/// its tokens to the first `quote!` that interpolates it and is empty afterwards, so it must be
/// interpolated once.
pub struct Splice(std::cell::Cell<TokenStream>);

/// Wraps `tokens` to be moved into a `quote!`.
pub fn splice(tokens: TokenStream) -> Splice {
    Splice(std::cell::Cell::new(tokens))
}

impl ToTokens for Splice {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if tokens.is_empty() {
            // The first tokens of a group or stream: take them over whole.
            *tokens = self.0.take();
        } else {
            tokens.extend(std::iter::once(self.0.take()));
        }
    }
}
