from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.copilot_trigger_event_pay_hub_version import CopilotTriggerEventPayHubVersion
from ...models.copilot_trigger_event_response_copilot_trigger_event import CopilotTriggerEventResponseCopilotTriggerEvent
from ...models.problem import Problem
from ...models.trigger_body import TriggerBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: TriggerBody,
    pay_hub_version: CopilotTriggerEventPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/copilot/trigger",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CopilotTriggerEventResponseCopilotTriggerEvent | Problem | None:
    if response.status_code == 200:
        response_200 = CopilotTriggerEventResponseCopilotTriggerEvent.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CopilotTriggerEventResponseCopilotTriggerEvent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TriggerBody,
    pay_hub_version: CopilotTriggerEventPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[CopilotTriggerEventResponseCopilotTriggerEvent | Problem]:
    """ Trigger Event

     Send a realistic event of any catalogue type, with `data` overrides, to the entity's webhook
    endpoints, each
    signed with its own secret, now (not queued, not stored: it is never replayed or relayed). The
    answer has each
    receiver's status. Receivers are reached through the same protections as deliveries.

    Args:
        pay_hub_version (CopilotTriggerEventPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (TriggerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CopilotTriggerEventResponseCopilotTriggerEvent | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: TriggerBody,
    pay_hub_version: CopilotTriggerEventPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> CopilotTriggerEventResponseCopilotTriggerEvent | Problem | None:
    """ Trigger Event

     Send a realistic event of any catalogue type, with `data` overrides, to the entity's webhook
    endpoints, each
    signed with its own secret, now (not queued, not stored: it is never replayed or relayed). The
    answer has each
    receiver's status. Receivers are reached through the same protections as deliveries.

    Args:
        pay_hub_version (CopilotTriggerEventPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (TriggerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CopilotTriggerEventResponseCopilotTriggerEvent | Problem
     """


    return sync_detailed(
        client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TriggerBody,
    pay_hub_version: CopilotTriggerEventPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[CopilotTriggerEventResponseCopilotTriggerEvent | Problem]:
    """ Trigger Event

     Send a realistic event of any catalogue type, with `data` overrides, to the entity's webhook
    endpoints, each
    signed with its own secret, now (not queued, not stored: it is never replayed or relayed). The
    answer has each
    receiver's status. Receivers are reached through the same protections as deliveries.

    Args:
        pay_hub_version (CopilotTriggerEventPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (TriggerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CopilotTriggerEventResponseCopilotTriggerEvent | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TriggerBody,
    pay_hub_version: CopilotTriggerEventPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> CopilotTriggerEventResponseCopilotTriggerEvent | Problem | None:
    """ Trigger Event

     Send a realistic event of any catalogue type, with `data` overrides, to the entity's webhook
    endpoints, each
    signed with its own secret, now (not queued, not stored: it is never replayed or relayed). The
    answer has each
    receiver's status. Receivers are reached through the same protections as deliveries.

    Args:
        pay_hub_version (CopilotTriggerEventPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (TriggerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CopilotTriggerEventResponseCopilotTriggerEvent | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )).parsed
