from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.list_events_pay_hub_version import ListEventsPayHubVersion
from ...models.list_events_response_list_events import ListEventsResponseListEvents
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    type_: None | str | Unset = UNSET,
    created_gte: datetime.datetime | None | Unset = UNSET,
    created_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListEventsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    else:
        json_type_ = type_
    params["type"] = json_type_

    json_created_gte: None | str | Unset
    if isinstance(created_gte, Unset):
        json_created_gte = UNSET
    elif isinstance(created_gte, datetime.datetime):
        json_created_gte = created_gte.isoformat()
    else:
        json_created_gte = created_gte
    params["created_gte"] = json_created_gte

    json_created_lt: None | str | Unset
    if isinstance(created_lt, Unset):
        json_created_lt = UNSET
    elif isinstance(created_lt, datetime.datetime):
        json_created_lt = created_lt.isoformat()
    else:
        json_created_lt = created_lt
    params["created_lt"] = json_created_lt

    params["limit"] = limit

    json_starting_after: None | str | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ListEventsResponseListEvents | Problem | None:
    if response.status_code == 200:
        response_200 = ListEventsResponseListEvents.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ListEventsResponseListEvents | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: None | str | Unset = UNSET,
    created_gte: datetime.datetime | None | Unset = UNSET,
    created_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListEventsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListEventsResponseListEvents | Problem]:
    """ List Events

    Args:
        type_ (None | str | Unset):
        created_gte (datetime.datetime | None | Unset):
        created_lt (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListEventsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListEventsResponseListEvents | Problem]
     """


    kwargs = _get_kwargs(
        type_=type_,
created_gte=created_gte,
created_lt=created_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    type_: None | str | Unset = UNSET,
    created_gte: datetime.datetime | None | Unset = UNSET,
    created_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListEventsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListEventsResponseListEvents | Problem | None:
    """ List Events

    Args:
        type_ (None | str | Unset):
        created_gte (datetime.datetime | None | Unset):
        created_lt (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListEventsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListEventsResponseListEvents | Problem
     """


    return sync_detailed(
        client=client,
type_=type_,
created_gte=created_gte,
created_lt=created_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: None | str | Unset = UNSET,
    created_gte: datetime.datetime | None | Unset = UNSET,
    created_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListEventsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListEventsResponseListEvents | Problem]:
    """ List Events

    Args:
        type_ (None | str | Unset):
        created_gte (datetime.datetime | None | Unset):
        created_lt (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListEventsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListEventsResponseListEvents | Problem]
     """


    kwargs = _get_kwargs(
        type_=type_,
created_gte=created_gte,
created_lt=created_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: None | str | Unset = UNSET,
    created_gte: datetime.datetime | None | Unset = UNSET,
    created_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListEventsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListEventsResponseListEvents | Problem | None:
    """ List Events

    Args:
        type_ (None | str | Unset):
        created_gte (datetime.datetime | None | Unset):
        created_lt (datetime.datetime | None | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListEventsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListEventsResponseListEvents | Problem
     """


    return (await asyncio_detailed(
        client=client,
type_=type_,
created_gte=created_gte,
created_lt=created_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
