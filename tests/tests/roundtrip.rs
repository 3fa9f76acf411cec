//! Request encoding round-trips through the sandbox's parser: whatever valid values a request
//! holds, the sandbox reads back the same values from the wire.

use ipidea::{
    Client, DatacenterDuration, IspDuration, IspIpOpenRequest, PoolTag, StaticIpOpenRequest,
};
use ipidea_sandbox::{Product, Sandbox};
use proptest::prelude::*;

fn isp_duration() -> impl Strategy<Value = IspDuration> {
    prop::sample::select(IspDuration::ALL.to_vec())
}

fn datacenter_duration() -> impl Strategy<Value = DatacenterDuration> {
    prop::sample::select(DatacenterDuration::ALL.to_vec())
}

fn pool_tag() -> impl Strategy<Value = Option<PoolTag>> {
    prop::option::of(prop::sample::select(PoolTag::ALL.to_vec()))
}

/// Text of any Unicode, including quotes, newlines and `,`; never empty after trimming, as a
/// form value the sandbox treats an empty one as unset.
fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}[a-z\u{4e00}-\u{4e10}]\\PC{0,8}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not empty", |s| !s.is_empty())
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    client: Client,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(Sandbox::start()).unwrap();
    let client = Client::builder()
        .credential("uid", sandbox.uid())
        .credential("appkey", sandbox.appkey())
        .base_url(sandbox.url())
        .build()
        .unwrap();
    Fixture {
        runtime,
        sandbox,
        client,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn isp_open_requests_read_back_the_same(
        region in "[a-z]{2,3}",
        duration in isp_duration(),
        num in 1u32..5,
        remark in prop::option::of(text()),
        pool_tag in pool_tag(),
    ) {
        let f = fixture();
        let mut request = IspIpOpenRequest::new(region.clone(), duration.clone(), num);
        if let Some(remark) = &remark {
            request = request.remark(remark.clone());
        }
        if let Some(tag) = &pool_tag {
            request = request.pool_tag(tag.clone());
        }
        let order = f.runtime.block_on(f.client.isp_ip_open(request)).unwrap();
        let stored = f.sandbox.orders(f.sandbox.uid(), Product::Isp);
        prop_assert_eq!(stored.len(), 1);
        let stored = &stored[0];
        prop_assert_eq!(stored["order_id"].as_str(), Some(order.order_id.as_str()));
        prop_assert_eq!(stored["region"].as_str(), Some(region.as_str()));
        prop_assert_eq!(stored["duration"].as_str(), Some(duration.as_str()));
        prop_assert_eq!(stored["num"].as_u64().or_else(|| stored["num"].as_str()?.parse().ok()), Some(u64::from(num)));
        prop_assert_eq!(stored["remark"].as_str(), remark.as_deref());
        prop_assert_eq!(stored["pool_tag"].as_str(), pool_tag.as_ref().map(PoolTag::as_str));
    }

    #[test]
    fn datacenter_open_requests_read_back_the_same(
        region in "[a-z]{2}",
        duration in datacenter_duration(),
        num in 1u32..4,
        remark in prop::option::of(text()),
    ) {
        let f = fixture();
        let mut request = StaticIpOpenRequest::new(region.clone(), duration.clone(), num);
        if let Some(remark) = &remark {
            request = request.remark(remark.clone());
        }
        f.runtime.block_on(f.client.static_ip_open(request)).unwrap();
        let stored = &f.sandbox.orders(f.sandbox.uid(), Product::Datacenter)[0];
        prop_assert_eq!(stored["region"].as_str(), Some(region.as_str()));
        prop_assert_eq!(stored["duration"].as_str(), Some(duration.as_str()));
        prop_assert_eq!(stored["remark"].as_str(), remark.as_deref());
        prop_assert_eq!(stored["ips"].as_array().map(Vec::len), Some(num as usize));
    }
}
