import { Body, Controller, Get, Inject, Param, Patch, Post, Res } from '@nestjs/common'
import { ApiCookieAuth } from '@nestjs/swagger'
import type { ChangePasswordInput, LoginInput } from '@rapport/api-client'
import { changePasswordSchema, loginSchema, meSchema } from '@rapport/api-client'
import type { FastifyReply } from 'fastify'
import { CONFIG, type Config } from '../config/config.js'
import { Endpoint } from '../http/openapi.js'
import { notFound } from '../http/problem.js'
import { uuidSchema, valid } from '../http/validation.js'
import { SESSION_COOKIE } from './auth.guard.js'
import { AuthService } from './auth.service.js'
import { Caller, type Origin, type Principal, Public, RequestOrigin, SessionOnly } from './principal.js'

type SessionPrincipal = Extract<Principal, { kind: 'session' }>

@Controller('api/v1')
@ApiCookieAuth()
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Post('auth/login')
  @Public()
  @Endpoint({
    tag: 'auth',
    summary: 'Log in with e-mail and password; sets the httpOnly session cookie',
    body: loginSchema,
    response: meSchema,
    errors: [403, 429],
  })
  async login(
    @Body(valid(loginSchema)) input: LoginInput,
    @RequestOrigin() origin: Origin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { cookie, me } = await this.auth.login(input, origin)
    reply.setCookie(SESSION_COOKIE, cookie, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
      maxAge: this.config.sessionHours * 3600,
    })
    return me
  }

  @Post('auth/logout')
  @SessionOnly()
  @Endpoint({ tag: 'auth', summary: 'End the current session', status: 204, errors: [403] })
  async logout(@Caller() caller: SessionPrincipal, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.auth.logout(caller)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
  }

  @Get('me')
  @SessionOnly()
  @Endpoint({
    tag: 'auth',
    summary: 'Who is logged in, in which workspace, with which permissions',
    response: meSchema,
  })
  me(@Caller() caller: SessionPrincipal) {
    return this.auth.describeSession(caller.sessionId)
  }

  @Patch('me/password')
  @SessionOnly()
  @Endpoint({
    tag: 'auth',
    summary: 'Change your password; your other sessions end',
    status: 204,
    body: changePasswordSchema,
    errors: [403],
  })
  async changePassword(
    @Caller() caller: SessionPrincipal,
    @Body(valid(changePasswordSchema)) input: ChangePasswordInput,
    @RequestOrigin() origin: Origin,
  ) {
    await this.auth.changePassword(caller, input, origin)
  }

  @Post('workspaces/:id/switch')
  @SessionOnly()
  @Endpoint({
    tag: 'workspaces',
    summary: 'Move your session to another workspace you belong to',
    response: meSchema,
    errors: [404],
  })
  switchWorkspace(@Caller() caller: SessionPrincipal, @Param('id') id: string) {
    if (!uuidSchema.safeParse(id).success) throw notFound('workspace')
    return this.auth.switchWorkspace(caller, id)
  }
}
