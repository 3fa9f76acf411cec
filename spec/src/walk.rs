//! Walking a JSON value along a spec type: the one walker that the wire check
//! ([`Spec::check_value`]), `spec verify`'s comparison, the sandbox's drift and synthesis and
//! the OpenAPI export share.
//!
//! Three parts, each written once:
//! - [`Spec::shape`] resolves a type reference into what it is ([`Shape`]): a scalar, a list,
//!   a `,`-joined list, a record, an enum or a page, named types looked up here and nowhere
//!   else;
//! - [`Place`] is where a walk is: its steps from the root, rendered as a JSON path
//!   (`ret_data.data[0].pay_status`), a path with indices collapsed (`ret_data.data[].pay_status`)
//!   or the prefix of a message (``field `data`: item 0: ``), and its depth, which stops at
//!   [`MAX_DEPTH`];
//! - [`walk`] visits a value and its children (list items, record fields, a page's counts and
//!   items) in spec order, asking a [`Visitor`] at each place whether to go on.
//!
//! A walk that changes what it walks (the sandbox's drift) or makes a value from nothing (its
//! synthesis, the OpenAPI export) uses the first two parts with a recursion of its own.

use std::fmt;

use serde_json::Value;

use crate::model::*;

/// How deep any walk goes: deeper than any spec nests. A value nested deeper is not walked.
pub const MAX_DEPTH: usize = 32;

/// A type reference with its named type resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape<'s> {
    /// `empty`: whatever a call with nothing to return sends.
    Empty,
    /// A built-in scalar.
    Scalar(Scalar),
    /// A JSON array of the item type.
    List(&'s TypeRef),
    /// A string of the item type's values joined with `,`.
    Csv(&'s TypeRef),
    /// A named enum.
    Enum {
        /// Its name.
        name: &'s str,
        /// Strings or integers on the wire.
        repr: EnumRepr,
        /// Its values.
        values: &'s [EnumValue],
    },
    /// A named record.
    Record {
        /// Its name.
        name: &'s str,
        /// Its fields.
        fields: &'s [Field],
    },
    /// A named page of an item type, in the API's page layout.
    Page {
        /// Its name.
        name: &'s str,
        /// The item type.
        item: &'s TypeRef,
    },
    /// A name the spec does not define (only in a spec that failed validation).
    Unknown(&'s str),
}

impl fmt::Display for Shape<'_> {
    /// The type as the spec writes it: `u64`, `list<FlowOrder>`, `PayStatus`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Empty => f.write_str("empty"),
            Shape::Scalar(scalar) => f.write_str(scalar.name()),
            Shape::List(item) => write!(f, "list<{item}>"),
            Shape::Csv(item) => write!(f, "csv<{item}>"),
            Shape::Enum { name, .. }
            | Shape::Record { name, .. }
            | Shape::Page { name, .. }
            | Shape::Unknown(name) => f.write_str(name),
        }
    }
}

/// The type of a page's counts.
pub static PAGE_COUNT_TYPE: TypeRef = TypeRef::Scalar(Scalar::U64);

impl Spec {
    /// What `ty` is, its named type resolved.
    pub fn shape<'s>(&'s self, ty: &'s TypeRef) -> Shape<'s> {
        match ty {
            TypeRef::Empty => Shape::Empty,
            TypeRef::Scalar(scalar) => Shape::Scalar(*scalar),
            TypeRef::List(item) => Shape::List(item),
            TypeRef::Csv(item) => Shape::Csv(item),
            TypeRef::Named(name) => match self.type_def(name).map(|def| &def.kind) {
                None => Shape::Unknown(name),
                Some(TypeKind::Enum { repr, values }) => Shape::Enum {
                    name,
                    repr: *repr,
                    values,
                },
                Some(TypeKind::Record { fields }) => Shape::Record { name, fields },
                Some(TypeKind::Page { item }) => Shape::Page { name, item },
            },
        }
    }
}

/// One step of a walk from its parent place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The root, named as paths start (`ret_data`, or empty).
    Root(&'a str),
    /// A declared field of a record.
    Field {
        /// The record type.
        record: &'a str,
        /// The field's wire name.
        name: &'a str,
    },
    /// An item of a list.
    Index(usize),
    /// One of a page's counts, by its wire name.
    PageCount(&'a str),
    /// A page's items, by their wire name.
    PageItems {
        /// The page type.
        page: &'a str,
        /// The items' wire name.
        key: &'a str,
    },
}

/// Where a walk is: the steps from its root (kept on the stack, rendered only when asked for)
/// and how deep it is.
#[derive(Debug, Clone, Copy)]
pub struct Place<'p> {
    parent: Option<&'p Place<'p>>,
    step: Step<'p>,
    depth: usize,
}

impl<'p> Place<'p> {
    /// The root of a walk, named `name` in paths (`ret_data`; empty for none).
    pub fn root(name: &'p str) -> Place<'p> {
        Place {
            parent: None,
            step: Step::Root(name),
            depth: 0,
        }
    }

    /// The place one `step` below this one; `None` below [`MAX_DEPTH`].
    pub fn child(&'p self, step: Step<'p>) -> Option<Place<'p>> {
        (self.depth < MAX_DEPTH).then_some(Place {
            parent: Some(self),
            step,
            depth: self.depth + 1,
        })
    }

    /// The last step.
    pub fn step(&self) -> Step<'p> {
        self.step
    }

    /// The place above, if any.
    pub fn parent(&self) -> Option<&'p Place<'p>> {
        self.parent
    }

    /// How many steps below the root.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The nearest step, this one or above, that is not a list index: the record field, page
    /// items or root that a value (or the list it is an item of) belongs to.
    pub fn owner(&self) -> Step<'p> {
        let mut place = self;
        loop {
            match (place.step, place.parent) {
                (Step::Index(_), Some(parent)) => place = parent,
                (step, _) => return step,
            }
        }
    }

    fn steps(&self) -> Vec<Step<'p>> {
        let mut steps = Vec::with_capacity(self.depth + 1);
        let mut place = Some(self);
        while let Some(at) = place {
            steps.push(at.step);
            place = at.parent;
        }
        steps.reverse();
        steps
    }

    fn render(&self, indices: bool) -> String {
        let mut out = String::new();
        for step in self.steps() {
            match step {
                Step::Root(name) => out.push_str(name),
                Step::Field { name: key, .. }
                | Step::PageCount(key)
                | Step::PageItems { key, .. } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Step::Index(i) if indices => out.push_str(&format!("[{i}]")),
                Step::Index(_) => out.push_str("[]"),
            }
        }
        out
    }

    /// The JSON path: `ret_data.data[0].pay_status`.
    pub fn path(&self) -> String {
        self.render(true)
    }

    /// The JSON path with list indices collapsed, which groups a list's items:
    /// `ret_data.data[].pay_status`.
    pub fn generic_path(&self) -> String {
        self.render(false)
    }

    /// The place as the start of a message, from the root: ``field `lists`: item 0: ``
    /// (empty at the root). A page's items add nothing of their own: their items are the
    /// page's items.
    pub fn prose(&self) -> String {
        let mut out = String::new();
        for step in self.steps() {
            match step {
                Step::Root(_) | Step::PageItems { .. } => {}
                Step::Field { name, .. } => out.push_str(&format!("field `{name}`: ")),
                Step::Index(i) => out.push_str(&format!("item {i}: ")),
                Step::PageCount(key) => out.push_str(&format!("page field `{key}`: ")),
            }
        }
        out
    }
}

/// What a walk asks at each place it reaches.
pub trait Visitor<'a> {
    /// The value at `place` (`None` where its record lacks the field), of shape `shape`, where
    /// `null` is allowed if `nullable`. Returns whether to walk into its children: a list's
    /// items, a record's declared fields, a page's counts and items. A `,`-joined list has no
    /// children to walk; its visitor reads the parts itself.
    fn visit(
        &mut self,
        place: &Place<'_>,
        shape: Shape<'a>,
        nullable: bool,
        value: Option<&'a Value>,
    ) -> bool;

    /// After the children of a place the visitor accepted; nothing by default.
    fn leave(&mut self, _place: &Place<'_>, _shape: Shape<'a>, _value: Option<&'a Value>) {}

    /// A place below [`MAX_DEPTH`] that was not walked; nothing by default.
    fn too_deep(&mut self, _parent: &Place<'_>) {}
}

/// Walks `value` (of type `ty`, `null` allowed where `nullable`) from `place`, visiting every
/// place in spec order: a place, then its children. A child of a place the visitor accepts is
/// walked when the value there has the JSON type the shape needs (an array for a list, an
/// object for a record or a page; PHP's `[]` for an empty record too); what else a visitor
/// makes of a value is its own.
pub fn walk<'a, V: Visitor<'a>>(
    spec: &'a Spec,
    ty: &'a TypeRef,
    nullable: bool,
    value: Option<&'a Value>,
    place: &Place<'_>,
    visitor: &mut V,
) {
    let shape = spec.shape(ty);
    if !visitor.visit(place, shape, nullable, value) {
        return;
    }
    if let Some(value) = value {
        children(spec, shape, value, place, visitor);
    }
    visitor.leave(place, shape, value);
}

/// Walks the children of `value`, of shape `shape`, at `place`.
fn children<'a, V: Visitor<'a>>(
    spec: &'a Spec,
    shape: Shape<'a>,
    value: &'a Value,
    place: &Place<'_>,
    visitor: &mut V,
) {
    match (shape, value) {
        (Shape::List(item), Value::Array(items)) => {
            for (i, item_value) in items.iter().enumerate() {
                match place.child(Step::Index(i)) {
                    Some(at) => walk(spec, item, false, Some(item_value), &at, visitor),
                    None => return visitor.too_deep(place),
                }
            }
        }
        (Shape::Record { name, fields }, Value::Object(_) | Value::Array(_)) => {
            for field in fields {
                let step = Step::Field {
                    record: name,
                    name: &field.name,
                };
                let Some(at) = place.child(step) else {
                    return visitor.too_deep(place);
                };
                let found = value.get(&field.name);
                walk(spec, &field.ty, field.nullable, found, &at, visitor);
            }
        }
        (Shape::Page { name, item }, Value::Object(map)) => {
            let layout = &spec.api.page;
            for (_, key) in layout.counts() {
                let Some(at) = place.child(Step::PageCount(key)) else {
                    return visitor.too_deep(place);
                };
                walk(spec, &PAGE_COUNT_TYPE, false, map.get(key), &at, visitor);
            }
            let key = layout.items.as_str();
            let Some(at) = place.child(Step::PageItems { page: name, key }) else {
                return visitor.too_deep(place);
            };
            let items = map.get(key);
            let shape = Shape::List(item);
            if visitor.visit(&at, shape, false, items) {
                if let Some(items) = items {
                    children(spec, shape, items, &at, visitor);
                }
                visitor.leave(&at, shape, items);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Every place a walk visits, as (path, shape).
    struct Trace(Vec<(String, String)>);

    impl<'a> Visitor<'a> for Trace {
        fn visit(
            &mut self,
            place: &Place<'_>,
            shape: Shape<'a>,
            _: bool,
            _: Option<&'a Value>,
        ) -> bool {
            self.0.push((place.path(), shape.to_string()));
            true
        }
    }

    #[test]
    fn a_page_is_walked_counts_first_then_items_in_spec_order() {
        let spec = crate::bundled();
        let endpoint = spec.endpoint("flow_order_list").unwrap();
        let data = &endpoint.examples[0].response["ret_data"];
        let mut trace = Trace(Vec::new());
        walk(
            &spec,
            &endpoint.response,
            false,
            Some(data),
            &Place::root("ret_data"),
            &mut trace,
        );
        let paths: Vec<&str> = trace.0.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            &paths[..7],
            [
                "ret_data",
                "ret_data.total",
                "ret_data.per_page",
                "ret_data.current_page",
                "ret_data.last_page",
                "ret_data.data",
                "ret_data.data[0]",
            ]
        );
        assert_eq!(trace.0[0].1, "FlowOrderPage");
        assert_eq!(trace.0[1].1, "u64");
        assert_eq!(trace.0[5].1, "list<FlowOrder>");
        assert!(paths.contains(&"ret_data.data[0].pay_status"));
    }

    #[test]
    fn places_render_as_paths_and_prose() {
        let root = Place::root("ret_data");
        let items = root
            .child(Step::PageItems {
                page: "P",
                key: "data",
            })
            .unwrap();
        let item = items.child(Step::Index(3)).unwrap();
        let field = item
            .child(Step::Field {
                record: "R",
                name: "x",
            })
            .unwrap();
        assert_eq!(field.path(), "ret_data.data[3].x");
        assert_eq!(field.generic_path(), "ret_data.data[].x");
        assert_eq!(field.prose(), "item 3: field `x`: ");
        assert_eq!(
            item.owner(),
            Step::PageItems {
                page: "P",
                key: "data"
            }
        );
        assert_eq!(field.depth(), 3);
        assert_eq!(Place::root("").child(Step::Index(0)).unwrap().path(), "[0]");
    }

    #[test]
    fn a_walk_stops_at_the_depth_limit() {
        fn deepest(place: &Place<'_>) -> usize {
            match place.child(Step::Index(0)) {
                Some(child) => deepest(&child),
                None => place.depth(),
            }
        }
        assert_eq!(deepest(&Place::root("")), MAX_DEPTH);

        struct Deepest(usize, bool);
        impl<'a> Visitor<'a> for Deepest {
            fn visit(
                &mut self,
                place: &Place<'_>,
                _: Shape<'a>,
                _: bool,
                _: Option<&'a Value>,
            ) -> bool {
                self.0 = self.0.max(place.depth());
                true
            }
            fn too_deep(&mut self, _: &Place<'_>) {
                self.1 = true;
            }
        }
        let spec = crate::bundled();
        let levels = MAX_DEPTH + 5;
        let ty = TypeRef::parse(&format!(
            "{}u32{}",
            "list<".repeat(levels),
            ">".repeat(levels)
        ))
        .unwrap();
        let mut nested = json!(1);
        for _ in 0..levels {
            nested = json!([nested]);
        }
        let mut seen = Deepest(0, false);
        walk(
            &spec,
            &ty,
            false,
            Some(&nested),
            &Place::root(""),
            &mut seen,
        );
        assert_eq!((seen.0, seen.1), (MAX_DEPTH, true));
    }
}
