//! Which TLS stack the client's own `reqwest::Client` uses, chosen by the crate's features.
//!
//! `native-tls` wins over `rustls-ring`, which wins over `rustls` (the default), so that a
//! feature a user turns on next to the default is the one in force. With none of them the
//! client speaks plain HTTP only, which reaches the sandbox on loopback but not the real API.

use crate::error::Error;

/// Chooses the TLS stack on the builder of the client's own `reqwest::Client`.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "native-tls")]
    return Ok(builder.tls_backend_native());

    #[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
    return ring_config().map(|config| builder.tls_backend_preconfigured(config));

    #[cfg(all(
        feature = "rustls",
        not(any(feature = "native-tls", feature = "rustls-ring"))
    ))]
    return Ok(builder.tls_backend_rustls());

    #[cfg(not(any(feature = "native-tls", feature = "rustls-ring", feature = "rustls")))]
    return Ok(builder);
}

/// rustls with the *ring* provider, handed to reqwest whole rather than installed as the
/// process-wide default, so that nothing else in the user's program changes. Certificates are
/// checked against the platform's trust store, as reqwest's own rustls setup does.
#[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
fn ring_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    /// The TLS stack the features choose builds a client. With `rustls-ring` this catches a
    /// `rustls::ClientConfig` that reqwest no longer recognises (a rustls major apart).
    #[test]
    fn the_chosen_tls_stack_builds_a_client() {
        let builder = super::configure(reqwest::Client::builder()).expect("a TLS setup");
        builder.build().expect("a reqwest client");
    }
}
