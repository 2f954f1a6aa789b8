// Benchmark peer only. LEMON's NetworkSimplex with the graph and its maps
// built once, so that run() (a cold solve: LEMON starts from its
// artificial basis on every run) can be timed apart from the building.
#include "lemon/network_simplex.h"
#include "lemon/smart_graph.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace {

using Graph = lemon::SmartDigraph;
using Simplex = lemon::NetworkSimplex<Graph, int64_t, int64_t>;

struct Peer {
    Graph g;
    std::vector<Graph::Arc> arcs;
    std::unique_ptr<Graph::NodeMap<int64_t>> supply;
    std::unique_ptr<Graph::ArcMap<int64_t>> upper;
    std::unique_ptr<Graph::ArcMap<int64_t>> cost;
    std::unique_ptr<Simplex> ns;
};

}  // namespace

extern "C" {

void* gasdep_peer_lemon_new(int64_t n, int64_t m, const int64_t* supply, const int64_t* tail,
                            const int64_t* head, const int64_t* cap, const int64_t* cost) {
    Peer* p = new Peer;
    std::vector<Graph::Node> nodes;
    nodes.reserve(n);
    for (int64_t i = 0; i < n; ++i) nodes.push_back(p->g.addNode());
    p->arcs.reserve(m);
    for (int64_t j = 0; j < m; ++j) p->arcs.push_back(p->g.addArc(nodes[tail[j]], nodes[head[j]]));
    p->supply.reset(new Graph::NodeMap<int64_t>(p->g));
    p->upper.reset(new Graph::ArcMap<int64_t>(p->g));
    p->cost.reset(new Graph::ArcMap<int64_t>(p->g));
    for (int64_t i = 0; i < n; ++i) (*p->supply)[nodes[i]] = supply[i];
    for (int64_t j = 0; j < m; ++j) {
        (*p->upper)[p->arcs[j]] = cap[j];
        (*p->cost)[p->arcs[j]] = cost[j];
    }
    // Constructed after the graph is complete (it sizes its arrays then).
    p->ns.reset(new Simplex(p->g));
    p->ns->supplyMap(*p->supply).upperMap(*p->upper).costMap(*p->cost);
    return p;
}

// 0 infeasible, 1 optimal, 2 unbounded (LEMON's ProblemType).
int gasdep_peer_lemon_run(void* h) {
    Peer* p = static_cast<Peer*>(h);
    return static_cast<int>(p->ns->run());
}

void gasdep_peer_lemon_flows(void* h, int64_t* out) {
    Peer* p = static_cast<Peer*>(h);
    for (size_t j = 0; j < p->arcs.size(); ++j) out[j] = p->ns->flow(p->arcs[j]);
}

void gasdep_peer_lemon_free(void* h) { delete static_cast<Peer*>(h); }

}  // extern "C"
