from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.search_customers_pay_hub_version import SearchCustomersPayHubVersion
from ...models.search_customers_response_search_customers import SearchCustomersResponseSearchCustomers
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    q: str | Unset = '',
    limit: int | Unset = 20,
    pay_hub_version: SearchCustomersPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    params["q"] = q

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/customer_search",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SearchCustomersResponseSearchCustomers | None:
    if response.status_code == 200:
        response_200 = SearchCustomersResponseSearchCustomers.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SearchCustomersResponseSearchCustomers]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    q: str | Unset = '',
    limit: int | Unset = 20,
    pay_hub_version: SearchCustomersPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | SearchCustomersResponseSearchCustomers]:
    """ Search

     The entity's ERP customers whose name or number contains `q` (case-insensitive, taken literally): an
    exact
    number first, then names starting with `q`, then the rest. Read live from the ERP; 422
    `capability_unsupported` when the entity's ERP connector cannot search. Without `q`: customers by
    name.

    Args:
        q (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 20.
        pay_hub_version (SearchCustomersPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchCustomersResponseSearchCustomers]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,
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
    q: str | Unset = '',
    limit: int | Unset = 20,
    pay_hub_version: SearchCustomersPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | SearchCustomersResponseSearchCustomers | None:
    """ Search

     The entity's ERP customers whose name or number contains `q` (case-insensitive, taken literally): an
    exact
    number first, then names starting with `q`, then the rest. Read live from the ERP; 422
    `capability_unsupported` when the entity's ERP connector cannot search. Without `q`: customers by
    name.

    Args:
        q (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 20.
        pay_hub_version (SearchCustomersPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchCustomersResponseSearchCustomers
     """


    return sync_detailed(
        client=client,
q=q,
limit=limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    q: str | Unset = '',
    limit: int | Unset = 20,
    pay_hub_version: SearchCustomersPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | SearchCustomersResponseSearchCustomers]:
    """ Search

     The entity's ERP customers whose name or number contains `q` (case-insensitive, taken literally): an
    exact
    number first, then names starting with `q`, then the rest. Read live from the ERP; 422
    `capability_unsupported` when the entity's ERP connector cannot search. Without `q`: customers by
    name.

    Args:
        q (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 20.
        pay_hub_version (SearchCustomersPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchCustomersResponseSearchCustomers]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,
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
    q: str | Unset = '',
    limit: int | Unset = 20,
    pay_hub_version: SearchCustomersPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | SearchCustomersResponseSearchCustomers | None:
    """ Search

     The entity's ERP customers whose name or number contains `q` (case-insensitive, taken literally): an
    exact
    number first, then names starting with `q`, then the rest. Read live from the ERP; 422
    `capability_unsupported` when the entity's ERP connector cannot search. Without `q`: customers by
    name.

    Args:
        q (str | Unset):  Default: ''.
        limit (int | Unset):  Default: 20.
        pay_hub_version (SearchCustomersPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchCustomersResponseSearchCustomers
     """


    return (await asyncio_detailed(
        client=client,
q=q,
limit=limit,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
