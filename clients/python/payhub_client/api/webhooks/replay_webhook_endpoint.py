from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.replay_webhook_endpoint_pay_hub_version import ReplayWebhookEndpointPayHubVersion
from ...models.replay_webhook_endpoint_response_replay_webhook_endpoint import ReplayWebhookEndpointResponseReplayWebhookEndpoint
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    endpoint_id: str,
    *,
    since: datetime.datetime,
    until: datetime.datetime | None | Unset = UNSET,
    pay_hub_version: ReplayWebhookEndpointPayHubVersion | Unset = UNSET,
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



    

    params: dict[str, Any] = {}

    json_since = since.isoformat()
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook_endpoints/{endpoint_id}/replay".format(endpoint_id=quote(str(endpoint_id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint | None:
    if response.status_code == 202:
        response_202 = ReplayWebhookEndpointResponseReplayWebhookEndpoint.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    since: datetime.datetime,
    until: datetime.datetime | None | Unset = UNSET,
    pay_hub_version: ReplayWebhookEndpointPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint]:
    """ Replay

     Resend every event in a time range that this endpoint subscribes to (e.g. after an outage).

    Args:
        endpoint_id (str):
        since (datetime.datetime): Resend events created at or after this time
        until (datetime.datetime | None | Unset): …and before this time
        pay_hub_version (ReplayWebhookEndpointPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint]
     """


    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
since=since,
until=until,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    since: datetime.datetime,
    until: datetime.datetime | None | Unset = UNSET,
    pay_hub_version: ReplayWebhookEndpointPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint | None:
    """ Replay

     Resend every event in a time range that this endpoint subscribes to (e.g. after an outage).

    Args:
        endpoint_id (str):
        since (datetime.datetime): Resend events created at or after this time
        until (datetime.datetime | None | Unset): …and before this time
        pay_hub_version (ReplayWebhookEndpointPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint
     """


    return sync_detailed(
        endpoint_id=endpoint_id,
client=client,
since=since,
until=until,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    since: datetime.datetime,
    until: datetime.datetime | None | Unset = UNSET,
    pay_hub_version: ReplayWebhookEndpointPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint]:
    """ Replay

     Resend every event in a time range that this endpoint subscribes to (e.g. after an outage).

    Args:
        endpoint_id (str):
        since (datetime.datetime): Resend events created at or after this time
        until (datetime.datetime | None | Unset): …and before this time
        pay_hub_version (ReplayWebhookEndpointPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint]
     """


    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
since=since,
until=until,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    since: datetime.datetime,
    until: datetime.datetime | None | Unset = UNSET,
    pay_hub_version: ReplayWebhookEndpointPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint | None:
    """ Replay

     Resend every event in a time range that this endpoint subscribes to (e.g. after an outage).

    Args:
        endpoint_id (str):
        since (datetime.datetime): Resend events created at or after this time
        until (datetime.datetime | None | Unset): …and before this time
        pay_hub_version (ReplayWebhookEndpointPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayWebhookEndpointResponseReplayWebhookEndpoint
     """


    return (await asyncio_detailed(
        endpoint_id=endpoint_id,
client=client,
since=since,
until=until,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )).parsed
