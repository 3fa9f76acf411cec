//! Every example in the spec decodes with its endpoint's generated type, through the client.

mod common;

use common::client;
use ipidea::Response;
use ipidea_tests::{RecordingServer, Reply};

/// Sends a request of `endpoint` and returns the data as JSON, so each example can be checked
/// the same way whatever its type.
async fn call(client: &ipidea::Client, endpoint: &str) -> Result<serde_json::Value, ipidea::Error> {
    fn json<T: ipidea::runtime::Lenient>(response: Response<T>) -> serde_json::Value {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        response.data.serialize_lenient(&mut serializer).unwrap();
        serde_json::from_slice(&out).unwrap()
    }
    let ip = "156.237.6.97".parse().unwrap();
    let day = ipidea::chrono::DateTime::from_timestamp(1_653_321_600, 0).unwrap();
    Ok(match endpoint {
        "isp_ip_open" => json(
            client
                .isp_ip_open(ipidea::IspIpOpenRequest::new(
                    "hk",
                    ipidea::IspDuration::Weekly,
                    1,
                ))
                .await?,
        ),
        "isp_ip_renew" => json(
            client
                .isp_ip_renew(ipidea::IspIpRenewRequest::new(
                    [ip],
                    ipidea::IspDuration::Weekly,
                ))
                .await?,
        ),
        "isp_order_list" => json(client.isp_order_list(Default::default()).await?),
        "static_ip_open" => json(
            client
                .static_ip_open(ipidea::StaticIpOpenRequest::new(
                    "hk",
                    ipidea::DatacenterDuration::Week,
                    1,
                ))
                .await?,
        ),
        "static_ip_renew" => json(
            client
                .static_ip_renew(ipidea::StaticIpRenewRequest::new(
                    [ip],
                    ipidea::DatacenterDuration::Week,
                ))
                .await?,
        ),
        "datacenter_order_list" => json(client.datacenter_order_list(Default::default()).await?),
        "flow_order_list" => json(client.flow_order_list(Default::default()).await?),
        "mobile_flow_order_list" => json(client.mobile_flow_order_list(Default::default()).await?),
        "white_list" => json(client.white_list(Default::default()).await?),
        "white_add" => json(client.white_add(ipidea::WhiteAddRequest::new([ip])).await?),
        "white_del" => json(client.white_del(ipidea::WhiteDelRequest::new([ip])).await?),
        "balance_left" => json(client.balance_left(Default::default()).await?),
        "balance_warning_set" => json(client.balance_warning_set(Default::default()).await?),
        "balance_use_record" => json(
            client
                .balance_use_record(ipidea::BalanceUseRecordRequest::new(day, day))
                .await?,
        ),
        "balance_proxy_account_use_record" => json(
            client
                .balance_proxy_account_use_record(ipidea::BalanceProxyAccountUseRecordRequest::new(
                    day, day, "28670",
                ))
                .await?,
        ),
        "get_proxy_ip" => json(
            client
                .get_proxy_ip(ipidea::GetProxyIpRequest::new(2))
                .await?,
        ),
        "get_balance_proxy_ip" => json(
            client
                .get_balance_proxy_ip(ipidea::GetBalanceProxyIpRequest::new(2))
                .await?,
        ),
        other => panic!("the spec has a new endpoint `{other}`: add it to this test"),
    })
}

#[tokio::test]
async fn every_example_decodes_with_its_generated_type() {
    let spec = ipidea_spec::bundled();
    let mut checked = 0;
    for endpoint in &spec.endpoints {
        // Only an endpoint that no vendor page documents may lack an example.
        assert!(
            !endpoint.examples.is_empty() || endpoint.unverified.is_some(),
            "`{}` has no example",
            endpoint.name
        );
        for example in &endpoint.examples {
            let server = RecordingServer::start().await;
            server.set_default(Reply::json(example.response.to_string()));
            let data = call(&client(&server), &endpoint.name)
                .await
                .unwrap_or_else(|e| panic!("{}: the example does not decode: {e}", example.path));
            // Decoding and encoding back keeps every value the vendor sent, field for field.
            // Scalars compare by their text: the vendor sends `"15"` where the canonical form is
            // `15`, and the reverse.
            assert_same(&data, &example.response["ret_data"], &example.path);
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
}

fn assert_same(decoded: &serde_json::Value, sent: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (decoded, sent) {
        (Value::Object(d), Value::Object(s)) => {
            let (mut dk, mut sk): (Vec<_>, Vec<_>) = (d.keys().collect(), s.keys().collect());
            dk.sort();
            sk.sort();
            assert_eq!(dk, sk, "{at}: the fields differ");
            for (key, value) in s {
                assert_same(&d[key], value, &format!("{at}.{key}"));
            }
        }
        (Value::Array(d), Value::Array(s)) => {
            assert_eq!(d.len(), s.len(), "{at}: the lengths differ");
            for (i, (d, s)) in d.iter().zip(s).enumerate() {
                assert_same(d, s, &format!("{at}[{i}]"));
            }
        }
        // An untyped empty page item list or `ret_data: []` decodes to an empty object.
        (Value::Object(d), Value::Array(s)) if d.is_empty() && s.is_empty() => {}
        // `ret_data: []` of a call with nothing to return decodes to `Empty`, which is `null`.
        (Value::Null, Value::Array(s)) if s.is_empty() => {}
        (d, s) => {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(text(d), text(s), "{at}");
        }
    }
}
