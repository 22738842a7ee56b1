import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import {
  type CreateUserInput,
  createUserSchema,
  pageQuerySchema,
  type UpdateUserInput,
  updateUserSchema,
  userPageSchema,
  userSchema,
} from '@rapport/api-client'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { Caller, type Origin, type Principal, RequestOrigin, Requires } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { notFound } from '../http/problem.js'
import { uuidSchema, valid } from '../http/validation.js'
import { listMembers } from './users.repository.js'
import { UsersService } from './users.service.js'

const userId = (id: string) => {
  if (!uuidSchema.safeParse(id).success) throw notFound('user')
  return id
}

@Controller('api/v1/users')
@ApiCookieAuth()
@ApiBearerAuth()
export class UsersController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(DB) private readonly db: Kysely<any>,
  ) {}

  @Get()
  @Requires('users:read')
  @Endpoint({
    tag: 'users',
    summary: 'Members of the workspace, by e-mail',
    query: pageQuerySchema,
    response: userPageSchema,
    errors: [403],
  })
  list(@Caller() caller: Principal, @Query(valid(pageQuerySchema)) page: z.infer<typeof pageQuerySchema>) {
    return listMembers(this.db, caller.workspaceId, page)
  }

  @Post()
  @Requires('users:write')
  @Endpoint({
    tag: 'users',
    summary: 'Add a person to the workspace with a role',
    status: 201,
    body: createUserSchema,
    response: userSchema,
    errors: [403, 409],
  })
  create(
    @Caller() caller: Principal,
    @Body(valid(createUserSchema)) input: CreateUserInput,
    @RequestOrigin() origin: Origin,
  ) {
    return this.users.create(caller, input, origin)
  }

  @Get(':id')
  @Requires('users:read')
  @Endpoint({
    tag: 'users',
    summary: 'One member of the workspace',
    response: userSchema,
    errors: [403, 404],
  })
  get(@Caller() caller: Principal, @Param('id') id: string) {
    return this.users.get(caller.workspaceId, userId(id))
  }

  @Patch(':id')
  @Requires('users:write')
  @Endpoint({
    tag: 'users',
    summary: 'Rename, change the role of, deactivate or reactivate a member',
    body: updateUserSchema,
    response: userSchema,
    errors: [403, 404, 409],
  })
  update(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Body(valid(updateUserSchema)) input: UpdateUserInput,
    @RequestOrigin() origin: Origin,
  ) {
    return this.users.update(caller, userId(id), input, origin)
  }
}
