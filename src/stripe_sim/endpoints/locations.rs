//! Terminal locations.

use super::fields::*;
use super::*;

pub(super) fn list_locations(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(LIST_LOCATIONS)?;
    call.list_options(&[])?;
    let items = state
        .locations
        .iter()
        .rev()
        .map(|location| (location.id.clone(), render_location(location)))
        .collect();
    paginate(call, items, "/v1/terminal/locations", "terminal.location")
}

pub(super) fn create_location(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(CREATE_LOCATION)?;
    call.options(&[])?;
    let address_field = |name: &str| call.params.str(&["address", name]).map(str::to_string);
    let country = address_field("country").unwrap_or_default();
    if country.len() != 2 || !country.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return Err(ApiError::invalid_param(
            None,
            "address[country]",
            format!("Invalid country: {country}. Send a two-letter ISO country code such as US."),
        ));
    }
    let mut location = Location {
        id: new_id("tml"),
        display_name: call
            .params
            .str(&["display_name"])
            .unwrap_or_default()
            .to_string(),
        address: Address {
            city: address_field("city"),
            country: country.to_ascii_uppercase(),
            line1: address_field("line1"),
            line2: address_field("line2"),
            postal_code: address_field("postal_code"),
            state: address_field("state"),
        },
        configuration_overrides: call
            .params
            .str(&["configuration_overrides"])
            .map(str::to_string),
        metadata: Map::new(),
        seeded: false,
    };
    if let Some(update) = call.params.metadata() {
        update.apply(&mut location.metadata)?;
    }
    let rendered = render_location(&location);
    state.add_location(location);
    Ok(rendered)
}

pub(super) fn retrieve_location(
    state: &mut State,
    call: &Call<'_>,
    id: &str,
) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    call.options(&[])?;
    state
        .location(id)
        .map(render_location)
        .ok_or_else(|| ApiError::resource_missing("terminal.location", id, "id"))
}
