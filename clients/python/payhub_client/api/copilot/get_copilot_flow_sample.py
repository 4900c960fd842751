from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_copilot_flow_sample_pay_hub_version import GetCopilotFlowSamplePayHubVersion
from ...models.get_copilot_flow_sample_response_get_copilot_flow_sample import GetCopilotFlowSampleResponseGetCopilotFlowSample
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    flow: str,
    *,
    language: str | Unset = 'python',
    describe: None | str | Unset = UNSET,
    pay_hub_version: GetCopilotFlowSamplePayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    params["language"] = language

    json_describe: None | str | Unset
    if isinstance(describe, Unset):
        json_describe = UNSET
    else:
        json_describe = describe
    params["describe"] = json_describe


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/copilot/samples/{flow}".format(flow=quote(str(flow), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem | None:
    if response.status_code == 200:
        response_200 = GetCopilotFlowSampleResponseGetCopilotFlowSample.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    flow: str,
    *,
    client: AuthenticatedClient,
    language: str | Unset = 'python',
    describe: None | str | Unset = UNSET,
    pay_hub_version: GetCopilotFlowSamplePayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem]:
    """ Flow Sample

     A whole flow's sample in one language.

    Args:
        flow (str):
        language (str | Unset): curl, python, node, typescript, csharp, java or go Default:
            'python'.
        describe (None | str | Unset): What to adapt the sample to (needs the optional model)
        pay_hub_version (GetCopilotFlowSamplePayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem]
     """


    kwargs = _get_kwargs(
        flow=flow,
language=language,
describe=describe,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    flow: str,
    *,
    client: AuthenticatedClient,
    language: str | Unset = 'python',
    describe: None | str | Unset = UNSET,
    pay_hub_version: GetCopilotFlowSamplePayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem | None:
    """ Flow Sample

     A whole flow's sample in one language.

    Args:
        flow (str):
        language (str | Unset): curl, python, node, typescript, csharp, java or go Default:
            'python'.
        describe (None | str | Unset): What to adapt the sample to (needs the optional model)
        pay_hub_version (GetCopilotFlowSamplePayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem
     """


    return sync_detailed(
        flow=flow,
client=client,
language=language,
describe=describe,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    flow: str,
    *,
    client: AuthenticatedClient,
    language: str | Unset = 'python',
    describe: None | str | Unset = UNSET,
    pay_hub_version: GetCopilotFlowSamplePayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem]:
    """ Flow Sample

     A whole flow's sample in one language.

    Args:
        flow (str):
        language (str | Unset): curl, python, node, typescript, csharp, java or go Default:
            'python'.
        describe (None | str | Unset): What to adapt the sample to (needs the optional model)
        pay_hub_version (GetCopilotFlowSamplePayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem]
     """


    kwargs = _get_kwargs(
        flow=flow,
language=language,
describe=describe,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    flow: str,
    *,
    client: AuthenticatedClient,
    language: str | Unset = 'python',
    describe: None | str | Unset = UNSET,
    pay_hub_version: GetCopilotFlowSamplePayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem | None:
    """ Flow Sample

     A whole flow's sample in one language.

    Args:
        flow (str):
        language (str | Unset): curl, python, node, typescript, csharp, java or go Default:
            'python'.
        describe (None | str | Unset): What to adapt the sample to (needs the optional model)
        pay_hub_version (GetCopilotFlowSamplePayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetCopilotFlowSampleResponseGetCopilotFlowSample | Problem
     """


    return (await asyncio_detailed(
        flow=flow,
client=client,
language=language,
describe=describe,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
