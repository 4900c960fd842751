from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_erp_mapping_v1_copilot_erp_mapping_get_pay_hub_version import GetErpMappingV1CopilotErpMappingGetPayHubVersion
from ...models.get_erp_mapping_v1_copilot_erp_mapping_get_response_get_erp_mapping_v1_copilot_erp_mapping_get import GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    pay_hub_version: GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/copilot/erp_mapping",
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem | None:
    if response.status_code == 200:
        response_200 = GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem]:
    """ Propose the ERP mapping for this entity

     Introspects the entity's ERP (the embedded one, or Tryton over JSON-RPC) and proposes the entity,
    account and customer mapping with a confidence and a reason per posting role, the roles left
    unmapped, a small test dataset, and the generated files (mapping.json, create_dataset.py,
    validate_mapping.py, report.md).

    Args:
        pay_hub_version (GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem]
     """


    kwargs = _get_kwargs(
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
    pay_hub_version: GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem | None:
    """ Propose the ERP mapping for this entity

     Introspects the entity's ERP (the embedded one, or Tryton over JSON-RPC) and proposes the entity,
    account and customer mapping with a confidence and a reason per posting role, the roles left
    unmapped, a small test dataset, and the generated files (mapping.json, create_dataset.py,
    validate_mapping.py, report.md).

    Args:
        pay_hub_version (GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem
     """


    return sync_detailed(
        client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem]:
    """ Propose the ERP mapping for this entity

     Introspects the entity's ERP (the embedded one, or Tryton over JSON-RPC) and proposes the entity,
    account and customer mapping with a confidence and a reason per posting role, the roles left
    unmapped, a small test dataset, and the generated files (mapping.json, create_dataset.py,
    validate_mapping.py, report.md).

    Args:
        pay_hub_version (GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem]
     """


    kwargs = _get_kwargs(
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
    pay_hub_version: GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem | None:
    """ Propose the ERP mapping for this entity

     Introspects the entity's ERP (the embedded one, or Tryton over JSON-RPC) and proposes the entity,
    account and customer mapping with a confidence and a reason per posting role, the roles left
    unmapped, a small test dataset, and the generated files (mapping.json, create_dataset.py,
    validate_mapping.py, report.md).

    Args:
        pay_hub_version (GetErpMappingV1CopilotErpMappingGetPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet | Problem
     """


    return (await asyncio_detailed(
        client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
