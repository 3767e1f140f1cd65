# Tavern: one image for every process of a deployment. Configure it with the variables of docs/operations.md.
FROM node:20-bookworm-slim
WORKDIR /app
ENV HOST=0.0.0.0 PORT=4000 TAVERN_DATA_DIR=/data
COPY package.json package-lock.json ./
COPY packages ./packages
COPY modules ./modules
COPY apps ./apps
COPY tools ./tools
COPY bench ./bench
COPY tsconfig.json ./
# tsx runs the TypeScript sources (ADR 0001), so development dependencies stay installed. The browser client is
# built here, as root: at run time the app directory is not writable by the `node` user, and `npm start` finds the
# build up to date.
RUN npm ci --no-audit --no-fund && npm run build:web && npm cache clean --force
ENV NODE_ENV=production
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start"]
