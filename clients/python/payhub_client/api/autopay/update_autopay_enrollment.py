from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.enrollment_update import EnrollmentUpdate
from ...models.problem import Problem
from ...models.update_autopay_enrollment_pay_hub_version import UpdateAutopayEnrollmentPayHubVersion
from ...models.update_autopay_enrollment_response_update_autopay_enrollment import UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    enrollment_id: str,
    *,
    body: EnrollmentUpdate,
    pay_hub_version: UpdateAutopayEnrollmentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/autopay_enrollments/{enrollment_id}".format(enrollment_id=quote(str(enrollment_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment | None:
    if response.status_code == 200:
        response_200 = UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    enrollment_id: str,
    *,
    client: AuthenticatedClient,
    body: EnrollmentUpdate,
    pay_hub_version: UpdateAutopayEnrollmentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment]:
    """ Update Enrollment

     Change the saved method; an enrollment paused by a hard decline resumes.

    Args:
        enrollment_id (str):
        pay_hub_version (UpdateAutopayEnrollmentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EnrollmentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment]
     """


    kwargs = _get_kwargs(
        enrollment_id=enrollment_id,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    enrollment_id: str,
    *,
    client: AuthenticatedClient,
    body: EnrollmentUpdate,
    pay_hub_version: UpdateAutopayEnrollmentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment | None:
    """ Update Enrollment

     Change the saved method; an enrollment paused by a hard decline resumes.

    Args:
        enrollment_id (str):
        pay_hub_version (UpdateAutopayEnrollmentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EnrollmentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment
     """


    return sync_detailed(
        enrollment_id=enrollment_id,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    enrollment_id: str,
    *,
    client: AuthenticatedClient,
    body: EnrollmentUpdate,
    pay_hub_version: UpdateAutopayEnrollmentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment]:
    """ Update Enrollment

     Change the saved method; an enrollment paused by a hard decline resumes.

    Args:
        enrollment_id (str):
        pay_hub_version (UpdateAutopayEnrollmentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EnrollmentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment]
     """


    kwargs = _get_kwargs(
        enrollment_id=enrollment_id,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    enrollment_id: str,
    *,
    client: AuthenticatedClient,
    body: EnrollmentUpdate,
    pay_hub_version: UpdateAutopayEnrollmentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment | None:
    """ Update Enrollment

     Change the saved method; an enrollment paused by a hard decline resumes.

    Args:
        enrollment_id (str):
        pay_hub_version (UpdateAutopayEnrollmentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (EnrollmentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment
     """


    return (await asyncio_detailed(
        enrollment_id=enrollment_id,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
