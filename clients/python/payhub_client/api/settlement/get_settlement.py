from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_settlement_pay_hub_version import GetSettlementPayHubVersion
from ...models.get_settlement_response_get_settlement import GetSettlementResponseGetSettlement
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    batch_id: str,
    *,
    lines_after: int | Unset = 0,
    lines_limit: int | Unset = 100,
    pay_hub_version: GetSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    params["lines_after"] = lines_after

    params["lines_limit"] = lines_limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/settlements/{batch_id}".format(batch_id=quote(str(batch_id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GetSettlementResponseGetSettlement | Problem | None:
    if response.status_code == 200:
        response_200 = GetSettlementResponseGetSettlement.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GetSettlementResponseGetSettlement | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    batch_id: str,
    *,
    client: AuthenticatedClient,
    lines_after: int | Unset = 0,
    lines_limit: int | Unset = 100,
    pay_hub_version: GetSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetSettlementResponseGetSettlement | Problem]:
    """ Get Settlement

     One batch: its totals, its ERP postings, and its lines in file order (paged by line number).

    Args:
        batch_id (str):
        lines_after (int | Unset): Lines after this line number Default: 0.
        lines_limit (int | Unset):  Default: 100.
        pay_hub_version (GetSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetSettlementResponseGetSettlement | Problem]
     """


    kwargs = _get_kwargs(
        batch_id=batch_id,
lines_after=lines_after,
lines_limit=lines_limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    batch_id: str,
    *,
    client: AuthenticatedClient,
    lines_after: int | Unset = 0,
    lines_limit: int | Unset = 100,
    pay_hub_version: GetSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetSettlementResponseGetSettlement | Problem | None:
    """ Get Settlement

     One batch: its totals, its ERP postings, and its lines in file order (paged by line number).

    Args:
        batch_id (str):
        lines_after (int | Unset): Lines after this line number Default: 0.
        lines_limit (int | Unset):  Default: 100.
        pay_hub_version (GetSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetSettlementResponseGetSettlement | Problem
     """


    return sync_detailed(
        batch_id=batch_id,
client=client,
lines_after=lines_after,
lines_limit=lines_limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    batch_id: str,
    *,
    client: AuthenticatedClient,
    lines_after: int | Unset = 0,
    lines_limit: int | Unset = 100,
    pay_hub_version: GetSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetSettlementResponseGetSettlement | Problem]:
    """ Get Settlement

     One batch: its totals, its ERP postings, and its lines in file order (paged by line number).

    Args:
        batch_id (str):
        lines_after (int | Unset): Lines after this line number Default: 0.
        lines_limit (int | Unset):  Default: 100.
        pay_hub_version (GetSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetSettlementResponseGetSettlement | Problem]
     """


    kwargs = _get_kwargs(
        batch_id=batch_id,
lines_after=lines_after,
lines_limit=lines_limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    batch_id: str,
    *,
    client: AuthenticatedClient,
    lines_after: int | Unset = 0,
    lines_limit: int | Unset = 100,
    pay_hub_version: GetSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetSettlementResponseGetSettlement | Problem | None:
    """ Get Settlement

     One batch: its totals, its ERP postings, and its lines in file order (paged by line number).

    Args:
        batch_id (str):
        lines_after (int | Unset): Lines after this line number Default: 0.
        lines_limit (int | Unset):  Default: 100.
        pay_hub_version (GetSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetSettlementResponseGetSettlement | Problem
     """


    return (await asyncio_detailed(
        batch_id=batch_id,
client=client,
lines_after=lines_after,
lines_limit=lines_limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
