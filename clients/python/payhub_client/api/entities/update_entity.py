from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.entity_fields import EntityFields
from ...models.problem import Problem
from ...models.update_entity_pay_hub_version import UpdateEntityPayHubVersion
from ...models.update_entity_response_update_entity import UpdateEntityResponseUpdateEntity
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    entity_id: str,
    *,
    body: EntityFields,
    pay_hub_version: UpdateEntityPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/entities/{entity_id}".format(entity_id=quote(str(entity_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UpdateEntityResponseUpdateEntity | None:
    if response.status_code == 200:
        response_200 = UpdateEntityResponseUpdateEntity.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UpdateEntityResponseUpdateEntity]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    entity_id: str,
    *,
    client: AuthenticatedClient,
    body: EntityFields,
    pay_hub_version: UpdateEntityPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateEntityResponseUpdateEntity]:
    """ Update Entity

    Args:
        entity_id (str):
        pay_hub_version (UpdateEntityPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EntityFields):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateEntityResponseUpdateEntity]
     """


    kwargs = _get_kwargs(
        entity_id=entity_id,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    entity_id: str,
    *,
    client: AuthenticatedClient,
    body: EntityFields,
    pay_hub_version: UpdateEntityPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateEntityResponseUpdateEntity | None:
    """ Update Entity

    Args:
        entity_id (str):
        pay_hub_version (UpdateEntityPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EntityFields):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateEntityResponseUpdateEntity
     """


    return sync_detailed(
        entity_id=entity_id,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    entity_id: str,
    *,
    client: AuthenticatedClient,
    body: EntityFields,
    pay_hub_version: UpdateEntityPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateEntityResponseUpdateEntity]:
    """ Update Entity

    Args:
        entity_id (str):
        pay_hub_version (UpdateEntityPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EntityFields):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateEntityResponseUpdateEntity]
     """


    kwargs = _get_kwargs(
        entity_id=entity_id,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    entity_id: str,
    *,
    client: AuthenticatedClient,
    body: EntityFields,
    pay_hub_version: UpdateEntityPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateEntityResponseUpdateEntity | None:
    """ Update Entity

    Args:
        entity_id (str):
        pay_hub_version (UpdateEntityPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EntityFields):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateEntityResponseUpdateEntity
     """


    return (await asyncio_detailed(
        entity_id=entity_id,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
