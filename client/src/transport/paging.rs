//! Page streams: every item of every page of a list, one page in memory at a time.

use futures_util::stream::{self, Stream};

use super::Transport;
use crate::api::{Page, PagedRequest};
use crate::error::Error;

impl Transport {
    /// Every item of every page, fetched one page at a time as the stream is read.
    ///
    /// It starts at the request's page (or 1) and stops after the last page the server reports,
    /// or at an empty page. Only one page is held in memory. A failed page ends the stream with
    /// its error, after the retries of the policy.
    pub fn stream<R>(&self, request: R) -> PageStream<<R::Data as Page>::Item>
    where
        R: PagedRequest,
        R::Data: Page,
    {
        struct State<R: PagedRequest>
        where
            R::Data: Page,
        {
            transport: Transport,
            request: R,
            next_page: Option<u64>,
            items: std::vec::IntoIter<<R::Data as Page>::Item>,
        }
        let first = request.page().unwrap_or(1).max(1);
        let state = State {
            transport: self.clone(),
            request,
            next_page: Some(first),
            items: Vec::new().into_iter(),
        };
        let stream = stream::try_unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Ok(Some((item, state)));
                }
                let Some(page) = state.next_page else {
                    return Ok(None);
                };
                // Free the spent page's buffer before the next page arrives, so that only one
                // page is ever held.
                state.items = Vec::new().into_iter();
                state.request.set_page(page);
                let data = state.transport.send(&state.request).await?.into_data();
                let last = data.last_page();
                let items = data.into_items();
                state.next_page = next_page(page, last, items.len());
                state.items = items.into_iter();
            }
        });
        Box::pin(stream)
    }
}

/// The page to fetch after page `page`, which held `items` items and reported `last_page` as
/// the last: the next one, or `None` after the last page or at an empty page. The rule of every
/// walk of a list's pages: the generated `*_stream` methods, and tools that page untyped
/// results (the `ipidea` CLI's `--all`).
///
/// ```
/// use ipidea::runtime::next_page;
///
/// assert_eq!(next_page(1, 3, 15), Some(2));
/// assert_eq!(next_page(3, 3, 15), None);
/// assert_eq!(next_page(1, 3, 0), None, "an empty page ends the walk");
/// assert_eq!(next_page(1, 0, 15), None, "0 is the last page of an empty list");
/// ```
pub fn next_page(page: u64, last_page: u64, items: usize) -> Option<u64> {
    if items == 0 || page >= last_page {
        None
    } else {
        page.checked_add(1)
    }
}

/// A stream of the items of every page of a list, fetched lazily.
pub type PageStream<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;
